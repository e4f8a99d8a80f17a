// @module native/addon-rows
// N-API entry points of the row kernels (row-kernels.h), fused attention and decode attention over the KV
// cache (attention.h). Large calls are cut into 2 × threads ranges on the shared pool, small ones run on the
// calling thread (waking a worker costs ~25 µs). Every typed array's length is checked here against what the
// kernel will touch, since a wrong length from JavaScript would otherwise read or write out of bounds.
//
// JS API (all float arrays are Float32Array; `null` where optional):
//   rowsInfo() -> { isa, threshold }          rowsConfigure({ isa?: 'avx512' | 'portable' | 'best', threshold? })
//   expShiftRows(x, rows, cols, rowMax, rowSum, exps|null)      scaleRows(x, rows, cols, factors)
//   swigluForward(g, u, out, sigmoid|null)                       swigluBackward(grad, g, u, sigmoid, gradG|null, gradU|null)
//   rmsNormForward(x, w, y, rstd, rows, dim, eps)                rmsNormBackward(grad, x, w, rstd, gradX|null, gradW|null, rows, dim)
//   rope(src, dst, cos, sin, positions Int32Array, rows, heads, dim, half, interleaved, direction)
//   add(a, b, out)                                               adamw(value, grad, m, v, Float64Array[beta1, beta2, eps, shrink, stepSize, correction2Root])
//   attentionForward(q, k, v, out, lse, Float64Array[B, T, S, Hq, Hkv, D, scale], ranges Int32Array, keyMask Uint8Array|null,
//                    querySegments Int32Array|null, keySegments Int32Array|null)
//   attentionBackward(q, k, v, lse, dout, dq|null, dk|null, dv|null, dims, ranges, keyMask, querySegments, keySegments)
//   decodeAttention(q, keys, values, out, slots Int32Array, lengths Int32Array, capacity, Hq, Hkv, D, window)
#include <node_api.h>

#include <cstring>
#include <string>

#include "attention.h"
#include "row-kernels.h"
#include "runtime.h"

namespace sling {
namespace {

// Element-operations below which one thread runs a row kernel (a 16-lane pass does ~100k elements in ~10 µs).
double rowThreshold = 131072.0;
const RowKernelTable *table = nullptr;

const RowKernelTable &kernels() {
  if (!table) table = has_avx512() ? &ROW_KERNELS_AVX512 : &ROW_KERNELS_PORTABLE;
  return *table;
}

// fn(first, last) over [0, count), split over the pool when count·costPerItem reaches the threshold.
template <class Fn>
void parallel_ranges(long count, double costPerItem, Fn fn) {
  ThreadPool &pool = shared_pool();
  long parts = (double)count * costPerItem < rowThreshold ? 1 : 2L * pool.threads();
  if (parts > count) parts = count;
  if (parts <= 1) {
    if (count > 0) fn(0L, count);
    return;
  }
  pool.run((int)parts, [&](int part, ThreadWorkspace &) { fn(count * part / parts, count * (part + 1) / parts); });
}

struct Args {
  napi_env env;
  napi_value values[16];
  size_t count = 16;
  bool failed = false;
  std::string error;

  Args(napi_env environment, napi_callback_info info, size_t needed) : env(environment) {
    napi_get_cb_info(env, info, &count, values, nullptr, nullptr);
    if (count < needed) fail("expected " + std::to_string(needed) + " arguments");
  }
  void fail(const std::string &message) {
    if (!failed) failed = true, error = message;
  }
  bool is_null(size_t index) {
    napi_valuetype type;
    napi_typeof(env, values[index], &type);
    return type == napi_null || type == napi_undefined;
  }
  // A typed array of `type` with at least `minimum` elements (or null when `optional` and null was passed).
  template <class T>
  T *array(size_t index, napi_typedarray_type type, double minimum, bool optional = false) {
    if (failed) return nullptr;
    if (optional && is_null(index)) return nullptr;
    bool isTyped = false;
    napi_typedarray_type actual;
    size_t length = 0;
    void *data = nullptr;
    if (napi_is_typedarray(env, values[index], &isTyped) != napi_ok || !isTyped ||
        napi_get_typedarray_info(env, values[index], &actual, &length, &data, nullptr, nullptr) != napi_ok || actual != type) {
      fail("argument " + std::to_string(index) + " has the wrong type");
      return nullptr;
    }
    if ((double)length < minimum) {
      fail("argument " + std::to_string(index) + " is too short (" + std::to_string(length) + " < " + std::to_string((long)minimum) + ")");
      return nullptr;
    }
    return (T *)data;
  }
  float *floats(size_t index, double minimum, bool optional = false) { return array<float>(index, napi_float32_array, minimum, optional); }
  double number(size_t index) {
    double value = 0;
    if (!failed && napi_get_value_double(env, values[index], &value) != napi_ok) fail("argument " + std::to_string(index) + " must be a number");
    return value;
  }
  long count_at(size_t index) {
    const double value = number(index);
    if (!(value >= 0 && value < 9.0e15)) fail("argument " + std::to_string(index) + " must be a count");
    return (long)value;
  }
  size_t length(size_t index) {
    size_t length = 0;
    napi_get_typedarray_info(env, values[index], nullptr, &length, nullptr, nullptr, nullptr);
    return length;
  }
  napi_value done() {
    if (failed) napi_throw_type_error(env, "SLING_NATIVE_ARGUMENT", error.c_str());
    return nullptr;
  }
};

napi_value exp_shift_rows(napi_env env, napi_callback_info info) {
  Args args(env, info, 6);
  const long rows = args.count_at(1), cols = args.count_at(2);
  const float *x = args.floats(0, (double)rows * cols);
  float *rowMax = args.floats(3, rows), *rowSum = args.floats(4, rows), *exps = args.floats(5, (double)rows * cols, true);
  if (args.failed) return args.done();
  parallel_ranges(rows, (double)cols, [&](long r0, long r1) { kernels().exp_shift_rows(x, r0, r1, cols, rowMax, rowSum, exps); });
  return nullptr;
}

napi_value scale_rows(napi_env env, napi_callback_info info) {
  Args args(env, info, 4);
  const long rows = args.count_at(1), cols = args.count_at(2);
  float *x = args.floats(0, (double)rows * cols);
  const float *factors = args.floats(3, rows);
  if (args.failed) return args.done();
  parallel_ranges(rows, (double)cols, [&](long r0, long r1) { kernels().scale_rows(x, r0, r1, cols, factors); });
  return nullptr;
}

napi_value swiglu_forward(napi_env env, napi_callback_info info) {
  Args args(env, info, 4);
  const double n = args.failed ? 0 : (double)args.length(2);
  const float *g = args.floats(0, n), *u = args.floats(1, n);
  float *out = args.floats(2, n), *sig = args.floats(3, n, true);
  if (args.failed) return args.done();
  parallel_ranges((long)n, 8.0, [&](long i0, long i1) { kernels().swiglu_forward(g, u, out, sig, i0, i1); });
  return nullptr;
}

napi_value swiglu_backward(napi_env env, napi_callback_info info) {
  Args args(env, info, 6);
  const double n = args.failed ? 0 : (double)args.length(0);
  const float *grad = args.floats(0, n), *g = args.floats(1, n), *u = args.floats(2, n), *sig = args.floats(3, n);
  float *gg = args.floats(4, n, true), *gu = args.floats(5, n, true);
  if (args.failed) return args.done();
  parallel_ranges((long)n, 4.0, [&](long i0, long i1) { kernels().swiglu_backward(grad, g, u, sig, gg, gu, i0, i1); });
  return nullptr;
}

napi_value rms_norm_forward(napi_env env, napi_callback_info info) {
  Args args(env, info, 7);
  const long rows = args.count_at(4), dim = args.count_at(5);
  const float eps = (float)args.number(6);
  const float *x = args.floats(0, (double)rows * dim), *w = args.floats(1, dim);
  float *y = args.floats(2, (double)rows * dim), *rstd = args.floats(3, rows);
  if (args.failed) return args.done();
  parallel_ranges(rows, 2.0 * dim, [&](long r0, long r1) { kernels().rms_norm_forward(x, w, y, rstd, r0, r1, dim, eps); });
  return nullptr;
}

napi_value rms_norm_backward(napi_env env, napi_callback_info info) {
  Args args(env, info, 8);
  const long rows = args.count_at(6), dim = args.count_at(7);
  const float *grad = args.floats(0, (double)rows * dim), *x = args.floats(1, (double)rows * dim), *w = args.floats(2, dim);
  const float *rstd = args.floats(3, rows);
  float *gx = args.floats(4, (double)rows * dim, true), *gw = args.floats(5, dim, true);
  if (args.failed) return args.done();
  if (gx) parallel_ranges(rows, 3.0 * dim, [&](long r0, long r1) { kernels().rms_norm_backward_x(grad, x, w, rstd, gx, r0, r1, dim); });
  // column ranges of whole 16-lane groups, so each part streams full vectors
  if (gw) {
    const long groups = (dim + 15) / 16;
    parallel_ranges(groups, 32.0 * rows, [&](long first, long last) {
      kernels().rms_norm_backward_w(grad, x, rstd, gw, rows, first * 16, last * 16 < dim ? last * 16 : dim, dim);
    });
  }
  return nullptr;
}

napi_value rope(napi_env env, napi_callback_info info) {
  Args args(env, info, 11);
  const long rows = args.count_at(5), heads = args.count_at(6), dim = args.count_at(7), half = args.count_at(8);
  const int interleaved = args.number(9) != 0;
  const float direction = (float)args.number(10);
  if (2 * half > dim) args.fail("rope: 2·half exceeds dim");
  const double size = (double)rows * heads * dim;
  const float *src = args.floats(0, size);
  float *dst = args.floats(1, size);
  const int *positions = args.array<int>(4, napi_int32_array, rows);
  if (args.failed) return args.done();
  // the tables must cover every position used
  const size_t tableLength = args.length(2) < args.length(3) ? args.length(2) : args.length(3);
  for (long r = 0; r < rows; r++)
    if (positions[r] < 0 || (double)(positions[r] + 1) * half > (double)tableLength) args.fail("rope: position outside the table");
  const float *cosTable = args.floats(2, 0), *sinTable = args.floats(3, 0);
  if (args.failed) return args.done();
  parallel_ranges(rows, (double)heads * dim, [&](long r0, long r1) {
    kernels().rope(src, dst, cosTable, sinTable, positions, r0, r1, heads, dim, half, interleaved, direction);
  });
  return nullptr;
}

napi_value add(napi_env env, napi_callback_info info) {
  Args args(env, info, 3);
  const double n = args.failed ? 0 : (double)args.length(2);
  const float *a = args.floats(0, n), *b = args.floats(1, n);
  float *out = args.floats(2, n);
  if (args.failed) return args.done();
  parallel_ranges((long)n, 1.0, [&](long i0, long i1) { kernels().add(a, b, out, i0, i1); });
  return nullptr;
}

napi_value adamw(napi_env env, napi_callback_info info) {
  Args args(env, info, 5);
  const double n = args.failed ? 0 : (double)args.length(0);
  float *value = args.floats(0, n), *m = args.floats(2, n), *v = args.floats(3, n);
  const float *grad = args.floats(1, n);
  const double *p = args.array<double>(4, napi_float64_array, 6);
  if (args.failed) return args.done();
  const AdamWStep step = {p[0], p[1], p[2], p[3], p[4], p[5]};
  parallel_ranges((long)n, 4.0, [&](long i0, long i1) { kernels().adamw(value, grad, m, v, i0, i1, step); });
  return nullptr;
}

// Shared argument checks of the two attention entry points; `dims` at index `at`, masks after it.
bool attention_arguments(Args &args, size_t at, AttentionShape &shape, AttentionMask &mask) {
  const double *dims = args.array<double>(at, napi_float64_array, 7);
  if (args.failed) return false;
  shape = {(long)dims[0], (long)dims[1], (long)dims[2], (long)dims[3], (long)dims[4], (long)dims[5], (float)dims[6]};
  if (shape.B < 1 || shape.T < 1 || shape.S < 1 || shape.Hkv < 1 || shape.D < 1 || shape.Hq < shape.Hkv || shape.Hq % shape.Hkv) {
    args.fail("attention: bad shape");
    return false;
  }
  mask.ranges = args.array<int>(at + 1, napi_int32_array, 2.0 * shape.B * shape.T);
  mask.keyMask = args.array<unsigned char>(at + 2, napi_uint8_array, (double)shape.B * shape.S, true);
  mask.querySegments = args.array<int>(at + 3, napi_int32_array, (double)shape.B * shape.T, true);
  mask.keySegments = args.array<int>(at + 4, napi_int32_array, (double)shape.B * shape.S, true);
  if (!args.failed && (mask.querySegments == nullptr) != (mask.keySegments == nullptr)) args.fail("attention: segment ids need both sides");
  return !args.failed;
}

double attention_flops(const AttentionShape &shape) {
  return 4.0 * shape.B * shape.Hq * shape.T * shape.S * shape.D;
}

// Attention fans out from about 8e6 FLOPs, where the GEMMs do (addon.cc); scaled from the row threshold so
// rowsConfigure({ threshold }) forces or forbids the pool in tests as it does for the row kernels.
ThreadPool *attention_pool(double flops) {
  return flops < 64.0 * rowThreshold ? nullptr : &shared_pool();
}

napi_value attention_forward_entry(napi_env env, napi_callback_info info) {
  Args args(env, info, 10);
  AttentionShape shape;
  AttentionMask mask;
  if (!attention_arguments(args, 5, shape, mask)) return args.done();
  const double qSize = (double)shape.B * shape.T * shape.Hq * shape.D, kvSize = (double)shape.B * shape.S * shape.Hkv * shape.D;
  const float *q = args.floats(0, qSize), *k = args.floats(1, kvSize), *v = args.floats(2, kvSize);
  float *out = args.floats(3, qSize), *lse = args.floats(4, (double)shape.B * shape.Hq * shape.T);
  if (args.failed) return args.done();
  ThreadPool *pool = attention_pool(attention_flops(shape));
  attention_forward(current_family(), kernels(), pool, q, k, v, out, lse, shape, mask);
  return nullptr;
}

napi_value attention_backward_entry(napi_env env, napi_callback_info info) {
  Args args(env, info, 13);
  AttentionShape shape;
  AttentionMask mask;
  if (!attention_arguments(args, 8, shape, mask)) return args.done();
  const double qSize = (double)shape.B * shape.T * shape.Hq * shape.D, kvSize = (double)shape.B * shape.S * shape.Hkv * shape.D;
  const float *q = args.floats(0, qSize), *k = args.floats(1, kvSize), *v = args.floats(2, kvSize);
  const float *lse = args.floats(3, (double)shape.B * shape.Hq * shape.T), *dout = args.floats(4, qSize);
  float *dq = args.floats(5, qSize, true), *dk = args.floats(6, kvSize, true), *dv = args.floats(7, kvSize, true);
  if (args.failed) return args.done();
  ThreadPool *pool = attention_pool(2 * attention_flops(shape));
  attention_backward(current_family(), kernels(), pool, q, k, v, lse, dout, dq, dk, dv, shape, mask);
  return nullptr;
}

// One token per row, so the work per call is small (a few heads over a few hundred keys): it runs on the
// calling thread, as the small few-row GEMMs of the same step do.
napi_value decode_attention_entry(napi_env env, napi_callback_info info) {
  Args args(env, info, 11);
  const long capacity = args.count_at(6), Hq = args.count_at(7), Hkv = args.count_at(8), D = args.count_at(9);
  const long window = args.count_at(10);
  if (!args.failed && (capacity < 1 || Hkv < 1 || D < 1 || Hq < Hkv || Hq % Hkv)) args.fail("decodeAttention: bad shape");
  const int *slots = args.array<int>(4, napi_int32_array, 0), *lengths = args.array<int>(5, napi_int32_array, 0);
  if (args.failed) return args.done();
  const long B = (long)args.length(4), slotCount = (long)args.length(5), kvDim = Hkv * D;
  const float *q = args.floats(0, (double)B * Hq * D), *keys = args.floats(1, 0), *values = args.floats(2, 0);
  float *out = args.floats(3, (double)B * Hq * D);
  if (args.failed) return args.done();
  const double cacheLength = (double)(args.length(1) < args.length(2) ? args.length(1) : args.length(2));
  for (long b = 0; b < B; b++) {
    const long slot = slots[b];
    if (slot < 0 || slot >= slotCount || lengths[slot] < 0 || lengths[slot] >= capacity ||
        ((double)slot * capacity + lengths[slot] + 1) * kvDim > cacheLength) {
      args.fail("decodeAttention: row " + std::to_string(b) + "'s slot or length lies outside the cache");
      return args.done();
    }
  }
  const DecodeShape shape = {B, capacity, Hq, Hkv, D, window};
  decode_attention(current_family(), kernels(), q, keys, values, out, slots, lengths, shape);
  return nullptr;
}

napi_value rows_info(napi_env env, napi_callback_info) {
  napi_value result, isa, threshold;
  napi_create_object(env, &result);
  napi_create_string_utf8(env, kernels().name, NAPI_AUTO_LENGTH, &isa);
  napi_create_double(env, rowThreshold, &threshold);
  napi_set_named_property(env, result, "isa", isa);
  napi_set_named_property(env, result, "threshold", threshold);
  return result;
}

napi_value rows_configure(napi_env env, napi_callback_info info) {
  Args args(env, info, 1);
  if (args.failed) return args.done();
  bool has = false;
  napi_value value;
  napi_has_named_property(env, args.values[0], "threshold", &has);
  if (has) {
    napi_get_named_property(env, args.values[0], "threshold", &value);
    napi_get_value_double(env, value, &rowThreshold);
  }
  napi_has_named_property(env, args.values[0], "isa", &has);
  if (has) {
    char name[32] = {0};
    size_t length = 0;
    napi_get_named_property(env, args.values[0], "isa", &value);
    napi_get_value_string_utf8(env, value, name, sizeof name, &length);
    const std::string isa(name);
    if (isa == "portable") table = &ROW_KERNELS_PORTABLE;
    else if ((isa == "avx512" && has_avx512()) || isa == "best") table = nullptr;
    else args.fail("row kernels not available on this CPU: " + isa);
  }
  return args.done();
}

}  // namespace

void register_row_functions(napi_env env, napi_value exports) {
  const struct {
    const char *name;
    napi_callback callback;
  } functions[] = {
      {"rowsInfo", rows_info}, {"rowsConfigure", rows_configure}, {"expShiftRows", exp_shift_rows},
      {"scaleRows", scale_rows}, {"swigluForward", swiglu_forward}, {"swigluBackward", swiglu_backward},
      {"rmsNormForward", rms_norm_forward}, {"rmsNormBackward", rms_norm_backward}, {"rope", rope}, {"add", add},
      {"adamw", adamw}, {"attentionForward", attention_forward_entry}, {"attentionBackward", attention_backward_entry},
      {"decodeAttention", decode_attention_entry},
  };
  for (const auto &entry : functions) {
    napi_value function;
    napi_create_function(env, entry.name, NAPI_AUTO_LENGTH, entry.callback, nullptr, &function);
    napi_set_named_property(env, exports, entry.name, function);
  }
}

}  // namespace sling
