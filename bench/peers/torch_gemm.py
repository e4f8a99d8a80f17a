"""Peer for bench/gemm.ts: GEMM GFLOP/s of Debian's PyTorch on this machine (2 threads, best of several runs).

Usage: /usr/bin/python3 bench/peers/torch_gemm.py '<json list of {"name","m","n","k","transB","dtype"}>' [budget_s] [threads]
Prints one JSON object {"config": ..., "blas": ..., "results": {name: gflops}} on stdout.
Refuses (exit 3) when the BLAS actually loaded is the reference (netlib) BLAS: Debian's torch reports
BLAS_INFO=generic and links libblas.so.3, which the alternatives system may point at the slow reference
implementation; comparing against that would flatter us.
"""
import json
import sys
import time

import torch


def loaded_blas():
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line or "mkl" in line}
    return sorted(path for path in paths if path.startswith("/"))


def refuse_reference_blas(config):
    blas = loaded_blas()
    optimized = [path for path in blas if "openblas" in path or "mkl" in path or "blis" in path]
    if "BLAS_INFO=generic" in config and not optimized:
        sys.stderr.write(f"torch_gemm: refusing to compare against the reference BLAS (loaded: {blas})\n")
        sys.exit(3)
    return blas


def gflops(spec, budget):
    dtype = torch.bfloat16 if spec["dtype"] == "bf16" else torch.float32
    m, n, k = spec["m"], spec["n"], spec["k"]
    a = torch.randn(m, k).to(dtype)
    b = torch.randn(n, k).to(dtype) if spec.get("transB") else torch.randn(k, n).to(dtype)
    def run():
        return a @ b.t() if spec.get("transB") else a @ b
    run()
    best = float("inf")
    started = time.perf_counter()
    repeats = 0
    while repeats < 3 or (time.perf_counter() - started < budget and repeats < 200):
        t0 = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t0)
        repeats += 1
    return 2.0 * m * n * k / best / 1e9


def main():
    torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 2)
    specs = json.loads(sys.argv[1])
    config = torch.__config__.show()
    torch.ones(8, 8) @ torch.ones(8, 8)  # load the BLAS before inspecting the process maps
    blas = refuse_reference_blas(config)
    budget = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    results = {spec["name"]: gflops(spec, budget) for spec in specs}
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas,
                      "mkldnn": torch.backends.mkldnn.is_available(), "results": results}))


main()
