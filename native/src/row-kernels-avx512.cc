// @module native/row-kernels-avx512
// The row kernels (row-kernels-impl.h) for AVX-512 CPUs, 16 lanes. Compiled with a function-level target
// pragma so the addon still loads on CPUs without AVX-512; addon-rows.cc only picks this table when the CPU
// has it.
#include <cmath>  // before the target pragma, so no libstdc++ inline is compiled for AVX-512 here
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512dq,avx512vl,fma,avx2")
#include "simd-avx512.h"
#define ROW_KERNELS_TABLE ROW_KERNELS_AVX512
#define ROW_KERNELS_NAME "avx512"
#include "row-kernels-impl.h"
#pragma GCC pop_options
