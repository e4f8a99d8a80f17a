// @module engine/models/ops-extra/gemv.c
// Matrix-vector products for the decode step of generation: C[m, n] (+)= A[m, k] · B[n, k]ᵀ for small m (one
// row per sequence in the batch), B row-major [n, k] — a Hugging Face weight, f32 or bf16 bits. A general
// GEMM packs B into panels on every call, which for m = 1 costs more than the product itself; here each row of
// B is streamed once and dotted with the m rows of A that stay in L1. Memory-bound, so one wide FMA stream
// per A row is enough. Built at first use (ops-extra/gemv-native.ts); AVX-512 / AVX2 / scalar chosen at run time.
#include <node_api.h>
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

static float dot_scalar_f32(const float *a, const float *b, long k) {
  float s = 0;
  for (long i = 0; i < k; i++) s += a[i] * b[i];
  return s;
}

static float bf16_to_f32(uint16_t bits) {
  uint32_t wide = (uint32_t)bits << 16;
  float value;
  memcpy(&value, &wide, 4);
  return value;
}

static void rows_scalar(const float *a, const void *b, int bf16, float *c, long m, long n0, long n1, long n, long k, int accumulate) {
  for (long j = n0; j < n1; j++) {
    for (long i = 0; i < m; i++) {
      float s = 0;
      if (bf16) {
        const uint16_t *row = (const uint16_t *)b + j * k;
        for (long l = 0; l < k; l++) s += a[i * k + l] * bf16_to_f32(row[l]);
      } else {
        s = dot_scalar_f32(a + i * k, (const float *)b + j * k, k);
      }
      c[i * n + j] = accumulate ? c[i * n + j] + s : s;
    }
  }
}

__attribute__((target("avx512f")))
static void rows_avx512(const float *a, const void *b, int bf16, float *c, long m, long n0, long n1, long n, long k, int accumulate) {
  const long k16 = k & ~15L;
  for (long j = n0; j < n1; j++) {
    // Up to 4 rows of A per pass so each B row is read from memory once per 4 sequences.
    for (long i0 = 0; i0 < m; i0 += 4) {
      const long rows = m - i0 < 4 ? m - i0 : 4;
      __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps(), s2 = _mm512_setzero_ps(), s3 = _mm512_setzero_ps();
      for (long l = 0; l < k16; l += 16) {
        __m512 w;
        if (bf16) {
          __m256i bits = _mm256_loadu_si256((const __m256i *)((const uint16_t *)b + j * k + l));
          w = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(bits), 16));
        } else {
          w = _mm512_loadu_ps((const float *)b + j * k + l);
        }
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + (i0 + 0) * k + l), w, s0);
        if (rows > 1) s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + (i0 + 1) * k + l), w, s1);
        if (rows > 2) s2 = _mm512_fmadd_ps(_mm512_loadu_ps(a + (i0 + 2) * k + l), w, s2);
        if (rows > 3) s3 = _mm512_fmadd_ps(_mm512_loadu_ps(a + (i0 + 3) * k + l), w, s3);
      }
      float sums[4] = {_mm512_reduce_add_ps(s0), _mm512_reduce_add_ps(s1), _mm512_reduce_add_ps(s2), _mm512_reduce_add_ps(s3)};
      for (long r = 0; r < rows; r++) {
        float s = sums[r];
        for (long l = k16; l < k; l++) s += a[(i0 + r) * k + l] * (bf16 ? bf16_to_f32(((const uint16_t *)b)[j * k + l]) : ((const float *)b)[j * k + l]);
        float *out = c + (i0 + r) * n + j;
        *out = accumulate ? *out + s : s;
      }
    }
  }
}

__attribute__((target("avx2,fma")))
static void rows_avx2(const float *a, const void *b, int bf16, float *c, long m, long n0, long n1, long n, long k, int accumulate) {
  const long k8 = k & ~7L;
  for (long j = n0; j < n1; j++) {
    for (long i = 0; i < m; i++) {
      __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
      long l = 0;
      for (; l + 16 <= k8; l += 16) {
        __m256 w0, w1;
        if (bf16) {
          const uint16_t *row = (const uint16_t *)b + j * k + l;
          w0 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)row)), 16));
          w1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(row + 8))), 16));
        } else {
          w0 = _mm256_loadu_ps((const float *)b + j * k + l);
          w1 = _mm256_loadu_ps((const float *)b + j * k + l + 8);
        }
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i * k + l), w0, s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i * k + l + 8), w1, s1);
      }
      __m256 s = _mm256_add_ps(s0, s1);
      __m128 h = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
      h = _mm_hadd_ps(h, h);
      h = _mm_hadd_ps(h, h);
      float total = _mm_cvtss_f32(h);
      for (; l < k; l++) total += a[i * k + l] * (bf16 ? bf16_to_f32(((const uint16_t *)b)[j * k + l]) : ((const float *)b)[j * k + l]);
      float *out = c + i * n + j;
      *out = accumulate ? *out + total : total;
    }
  }
}

typedef void (*RowsKernel)(const float *, const void *, int, float *, long, long, long, long, long, int);
static RowsKernel kernel = rows_scalar;
static const char *kernelName = "scalar";

static void *typed_array_data(napi_env env, napi_value value, size_t *length, napi_typedarray_type *type) {
  void *data = NULL;
  napi_value buffer;
  size_t offset;
  napi_get_typedarray_info(env, value, type, length, &data, &buffer, &offset);
  return data;
}

// gemv(a: Float32Array [m·k], b: Float32Array | Uint16Array (bf16) [n·k], c: Float32Array [m·n], m, n, k, accumulate)
static napi_value Gemv(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 7) {
    napi_throw_error(env, NULL, "gemv(a, b, c, m, n, k, accumulate) needs 7 arguments");
    return NULL;
  }
  size_t aLength, bLength, cLength;
  napi_typedarray_type aType, bType, cType;
  const float *a = (const float *)typed_array_data(env, argv[0], &aLength, &aType);
  const void *b = typed_array_data(env, argv[1], &bLength, &bType);
  float *c = (float *)typed_array_data(env, argv[2], &cLength, &cType);
  int64_t m, n, k;
  bool accumulate;
  napi_get_value_int64(env, argv[3], &m);
  napi_get_value_int64(env, argv[4], &n);
  napi_get_value_int64(env, argv[5], &k);
  napi_get_value_bool(env, argv[6], &accumulate);
  int bf16 = bType == napi_uint16_array;
  if (aType != napi_float32_array || cType != napi_float32_array || (!bf16 && bType != napi_float32_array) ||
      aLength < (size_t)(m * k) || bLength < (size_t)(n * k) || cLength < (size_t)(m * n)) {
    napi_throw_error(env, NULL, "gemv: operand types or sizes do not match m, n, k");
    return NULL;
  }
  kernel(a, b, bf16, c, m, 0, n, n, k, accumulate ? 1 : 0);
  return NULL;
}

static napi_value KernelName(napi_env env, napi_callback_info info) {
  napi_value result;
  napi_create_string_utf8(env, kernelName, NAPI_AUTO_LENGTH, &result);
  return result;
}

NAPI_MODULE_INIT() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) {
    kernel = rows_avx512;
    kernelName = "avx512";
  } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    kernel = rows_avx2;
    kernelName = "avx2";
  }
  napi_value gemv, name;
  napi_create_function(env, "gemv", NAPI_AUTO_LENGTH, Gemv, NULL, &gemv);
  napi_create_function(env, "kernelName", NAPI_AUTO_LENGTH, KernelName, NULL, &name);
  napi_set_named_property(env, exports, "gemv", gemv);
  napi_set_named_property(env, exports, "kernelName", name);
  return exports;
}
