// @module native/addon
// N-API entry points of the `sling_native` addon, and the split of one (batched) GEMM over the thread pool
// (kernel family chosen in dispatch.cc). Buffers are used zero-copy: the typed arrays' memory is
// handed straight to the kernels. Argument validation (bounds of every batch item) happens in TypeScript
// (src/engine/backend/gemm-args.ts) before the call; this file only checks types.
//
// JS API:
//   gemm(kind, a, b, c, params)  kind 0 = FP32 (b Float32Array), 1 = bf16 (b Uint16Array); params is a
//                                Float64Array [m, n, k, transA, transB, beta, batch, strideA, strideB,
//                                strideC, offsetA, offsetB, offsetC]
//   info() -> { isa, bf16, avx512, avx512bf16, avx2, amx (status string), threads, threshold }
//   configure({ isa?, threads?, threshold? })   for tests (every family) and benchmarks (threshold sweep)
#include <node_api.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "dispatch.h"
#include "runtime.h"
#include "thread-pool.h"

namespace sling {
namespace {

// Below this many FLOPs (2·m·n·k·batch per call) one thread runs the whole GEMM. Measured on the 2-core AMD EPYC
// (Zen 4) dev machine (/tmp harness timing n³ GEMMs, and the sweep at the end of `npm run bench -- gemm`):
// waking the sleeping worker costs ~25 µs (n=64: 7 µs alone vs 33 µs with a wake-up), and one thread does
// n=128 in ~46 µs and n=160 in ~85 µs, so the second thread only pays off from about n≈160, 8e6 FLOPs. On a
// busy machine the crossover moves up (the bench sweep showed none below n=256 at load average 11), but the
// pool's dynamic claiming keeps a wasted fan-out cheap.
double threshold = 8.0e6;
// A few-row product (kernels.h, gemv.h) is bound by streaming B, not by FLOPs: a second thread pays off from
// about 2^17 streamed weights (0.5 MB of f32, ~26 µs at 20 GB/s, about one worker wake-up). Each streamed
// weight counts as 64 FLOPs against the same threshold (8e6 / 64 = 125k weights), so configure({ threshold })
// still forces or forbids the pool for them in tests.
const double FLOPS_PER_STREAMED_WEIGHT = 64.0;
// Few-row products are dealt out in parts of this many columns, claimed one by one: a worker that claims a
// part and then loses its core to another process holds up only that part (a 2048-wide layer has 32).
const long GEMV_PART_COLUMNS = 64;
const Family *family = nullptr;
ThreadPool *pool = nullptr;

int default_threads() {
  const char *fromEnv = std::getenv("SLING_THREADS");
  if (fromEnv && std::atoi(fromEnv) > 0) return std::atoi(fromEnv);
  unsigned int hardware = std::thread::hardware_concurrency();
  return hardware == 0 ? 1 : (int)hardware;
}

ThreadPool &the_pool() {
  if (!pool) pool = new ThreadPool(default_threads(), WORKSPACE_A_BYTES, WORKSPACE_B_BYTES);
  return *pool;
}

// Single-threaded calls run on the calling JS thread without taking the pool, so each calling thread (main or
// a worker_thread) packs into its own buffers.
struct OwnedWorkspace {
  ThreadWorkspace buffers;
  OwnedWorkspace() {
    buffers.a = std::aligned_alloc(64, (size_t)WORKSPACE_A_BYTES);
    buffers.b = std::aligned_alloc(64, (size_t)WORKSPACE_B_BYTES);
  }
  ~OwnedWorkspace() {
    std::free(buffers.a);
    std::free(buffers.b);
  }
};

ThreadWorkspace &calling_thread_workspace() {
  thread_local OwnedWorkspace workspace;
  return workspace.buffers;
}

template <class BInput, class Fn>
void run_gemm(const float *a, const BInput *b, float *c, const double *params, Fn kernel, TileShape tile) {
  const long m = (long)params[0], n = (long)params[1], k = (long)params[2];
  const bool transA = params[3] != 0, transB = params[4] != 0;
  const float beta = (float)params[5];
  const long batch = (long)params[6];
  const long strideA = (long)params[7], strideB = (long)params[8], strideC = (long)params[9];
  const long offsetA = (long)params[10], offsetB = (long)params[11], offsetC = (long)params[12];
  if (m <= 0 || n <= 0 || batch <= 0) return;
  auto problem_at = [&](long item) {
    GemmProblem<BInput> p;
    p.m = m, p.n = n, p.k = k;
    p.a = a + offsetA + item * strideA;
    p.aRowStride = transA ? 1 : k, p.aColStride = transA ? m : 1;
    p.b = b + offsetB + item * strideB;
    p.bRowStride = transB ? 1 : n, p.bColStride = transB ? k : 1;
    p.c = c + offsetC + item * strideC;
    p.ldc = n, p.beta = beta;
    return p;
  };
  ThreadPool &threads = the_pool();
  const bool fewRows = few_rows(problem_at(0));
  const double flops = fewRows ? FLOPS_PER_STREAMED_WEIGHT * (double)n * (double)k * (double)batch
                               : 2.0 * (double)m * (double)n * (double)k * (double)batch;
  int parts = flops < threshold ? 1 : threads.threads();
  if (parts <= 1) {
    ThreadWorkspace &workspace = calling_thread_workspace();
    for (long item = 0; item < batch; item++) kernel(problem_at(item), 0, m, 0, n, workspace.a, workspace.b);
    return;
  }
  // Twice as many parts as threads: a worker that claimed a part and then got no core (another process on
  // the other core) holds up only a quarter of the work, and the caller takes the rest.
  const int wanted = 2 * parts;
  // Independent batch items (C not overlapping) are dealt out whole; otherwise each item is cut into a grid of
  // row x column blocks at tile boundaries, and items run one after another to keep their order.
  if (batch >= wanted && (strideC >= m * n)) {
    threads.run(wanted, [&](int part, ThreadWorkspace &workspace) {
      const long first = batch * part / wanted, last = batch * (part + 1) / wanted;
      for (long item = first; item < last; item++)
        kernel(problem_at(item), 0, m, 0, n, workspace.a, workspace.b);
    });
    return;
  }
  // A grid of rowParts x colParts blocks costs colParts packings of A and rowParts packings of B in total;
  // 2 column blocks keep that low while allowing 2 x threads parts. Few rows (decode): columns only.
  const long colUnit = fewRows ? GEMV_PART_COLUMNS : tile.nr;
  const long rowTiles = (m + tile.mr - 1) / tile.mr, colTiles = (n + colUnit - 1) / colUnit;
  long rowParts, colParts;
  if (fewRows) rowParts = 1, colParts = colTiles;
  else if (rowTiles >= 2L * parts && colTiles >= 4) rowParts = parts, colParts = 2;
  else if (rowTiles >= colTiles) rowParts = rowTiles < wanted ? rowTiles : wanted, colParts = 1;
  else rowParts = 1, colParts = colTiles < wanted ? colTiles : wanted;
  auto cut = [](long tiles, long pieces, long index, long unit, long extent) {
    return index == pieces ? extent : tiles * index / pieces * unit;
  };
  for (long item = 0; item < batch; item++) {
    const GemmProblem<BInput> p = problem_at(item);
    threads.run((int)(rowParts * colParts), [&](int part, ThreadWorkspace &workspace) {
      const long row = part / colParts, column = part % colParts;
      kernel(p, cut(rowTiles, rowParts, row, tile.mr, m), cut(rowTiles, rowParts, row + 1, tile.mr, m),
             cut(colTiles, colParts, column, colUnit, n), cut(colTiles, colParts, column + 1, colUnit, n),
             workspace.a, workspace.b);
    });
  }
}

napi_value throw_type_error(napi_env env, const char *message) {
  napi_throw_type_error(env, "SLING_NATIVE_ARGUMENT", message);
  return nullptr;
}

bool typed_array(napi_env env, napi_value value, napi_typedarray_type expected, void **data, size_t *length) {
  bool isTyped = false;
  if (napi_is_typedarray(env, value, &isTyped) != napi_ok || !isTyped) return false;
  napi_typedarray_type type;
  if (napi_get_typedarray_info(env, value, &type, length, data, nullptr, nullptr) != napi_ok) return false;
  return type == expected;
}

napi_value gemm(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < 5) return throw_type_error(env, "gemm(kind, a, b, c, params) needs 5 arguments");
  int kind = 0;
  napi_get_value_int32(env, argv[0], &kind);
  void *a, *b, *c, *params;
  size_t lengthA, lengthB, lengthC, lengthParams;
  if (!typed_array(env, argv[1], napi_float32_array, &a, &lengthA)) return throw_type_error(env, "a must be a Float32Array");
  if (!typed_array(env, argv[2], kind == 1 ? napi_uint16_array : napi_float32_array, &b, &lengthB))
    return throw_type_error(env, kind == 1 ? "b must be a Uint16Array (bf16)" : "b must be a Float32Array");
  if (!typed_array(env, argv[3], napi_float32_array, &c, &lengthC)) return throw_type_error(env, "c must be a Float32Array");
  if (!typed_array(env, argv[4], napi_float64_array, &params, &lengthParams) || lengthParams < 13)
    return throw_type_error(env, "params must be a Float64Array of 13 numbers");
  if (kind == 1)
    run_gemm<unsigned short>((const float *)a, (const unsigned short *)b, (float *)c, (const double *)params,
                             family->bf16, family->bf16Tile);
  else
    run_gemm<float>((const float *)a, (const float *)b, (float *)c, (const double *)params, family->f32, family->tile);
  return nullptr;
}

void set_property(napi_env env, napi_value object, const char *key, napi_value value) {
  napi_set_named_property(env, object, key, value);
}
napi_value make_bool(napi_env env, bool value) {
  napi_value result;
  napi_get_boolean(env, value, &result);
  return result;
}
napi_value make_string(napi_env env, const char *value) {
  napi_value result;
  napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &result);
  return result;
}
napi_value make_number(napi_env env, double value) {
  napi_value result;
  napi_create_double(env, value, &result);
  return result;
}

napi_value info(napi_env env, napi_callback_info) {
  napi_value result;
  napi_create_object(env, &result);
  set_property(env, result, "isa", make_string(env, family->name));
  set_property(env, result, "bf16", make_string(env, family->bf16Name));
  set_property(env, result, "avx512", make_bool(env, has_avx512()));
  set_property(env, result, "avx512bf16", make_bool(env, has_avx512bf16()));
  set_property(env, result, "avx2", make_bool(env, has_avx2()));
  set_property(env, result, "amx", make_string(env, amx_status()));
  set_property(env, result, "threads", make_number(env, the_pool().threads()));
  set_property(env, result, "threshold", make_number(env, threshold));
  return result;
}

// configure({ isa: 'amx' | 'avx512bf16' | 'avx512' | 'avx2' | 'portable', threshold: number }). An ISA the CPU lacks
// is refused, so tests can walk every family that this machine can run.
napi_value configure(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value options;
  napi_get_cb_info(env, info, &argc, &options, nullptr, nullptr);
  if (argc < 1) return throw_type_error(env, "configure(options) needs an object");
  bool has = false;
  napi_has_named_property(env, options, "threshold", &has);
  if (has) {
    napi_value value;
    napi_get_named_property(env, options, "threshold", &value);
    napi_get_value_double(env, value, &threshold);
  }
  napi_has_named_property(env, options, "isa", &has);
  if (has) {
    napi_value value;
    char name[32] = {0};
    size_t length = 0;
    napi_get_named_property(env, options, "isa", &value);
    napi_get_value_string_utf8(env, value, name, sizeof name, &length);
    const Family *chosen = family_by_name(name);
    if (!chosen) return throw_type_error(env, (std::string("ISA not available on this CPU: ") + name).c_str());
    family = chosen;
  }
  return nullptr;
}

napi_value init(napi_env env, napi_value exports) {
  if (!family) family = best_family();
  napi_value function;
  napi_create_function(env, "gemm", NAPI_AUTO_LENGTH, gemm, nullptr, &function);
  set_property(env, exports, "gemm", function);
  napi_create_function(env, "info", NAPI_AUTO_LENGTH, info, nullptr, &function);
  set_property(env, exports, "info", function);
  napi_create_function(env, "configure", NAPI_AUTO_LENGTH, configure, nullptr, &function);
  set_property(env, exports, "configure", function);
  register_row_functions(env, exports);
  return exports;
}

}  // namespace

ThreadPool &shared_pool() { return the_pool(); }
ThreadWorkspace &shared_calling_workspace() { return calling_thread_workspace(); }
const Family &current_family() {
  if (!family) family = best_family();
  return *family;
}

}  // namespace sling

NAPI_MODULE_INIT() { return sling::init(env, exports); }
