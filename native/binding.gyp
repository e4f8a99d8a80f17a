{
  "targets": [
    {
      "target_name": "sling_native",
      "sources": [
        "src/addon.cc",
        "src/dispatch.cc",
        "src/kernels-avx512.cc",
        "src/kernels-amx.cc",
        "src/kernels-avx2.cc",
        "src/kernels-portable.cc",
        "src/addon-rows.cc",
        "src/attention.cc",
        "src/row-kernels-avx512.cc",
        "src/row-kernels-portable.cc"
      ],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-exceptions", "-ffp-contract=fast"],
      "cflags_cc!": ["-O2", "-O0", "-fno-rtti"],
      "ldflags": ["-pthread"],
      "cflags": ["-pthread"]
    }
  ]
}
