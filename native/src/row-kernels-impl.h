// @module native/row-kernels-impl
// The row kernels of row-kernels.h written once against the small vector vocabulary (vec, W, vload, vexp, ...)
// of simd-avx512.h or simd-scalar.h; included by one .cc per ISA, which defines ROW_KERNELS_TABLE and
// ROW_KERNELS_NAME first. Sums and norms accumulate in double, as the TypeScript kernels do.
#include <cmath>

#include "row-kernels.h"

namespace sling {
namespace {

void exp_shift_rows(const float *x, long r0, long r1, long cols, float *rowMax, float *rowSum, float *exps) {
  const float negativeInfinity = -INFINITY;
  for (long r = r0; r < r1; r++) {
    const float *in = x + r * cols;
    vec top = vset(negativeInfinity);
    long j = 0;
    for (; j + W <= cols; j += W) top = vmax(top, vload(in + j));
    if (j < cols) top = vmax(top, vload_n(in + j, cols - j, negativeInfinity));
    const float maximum = vreduce_max(top);
    rowMax[r] = maximum;
    float *out = exps ? exps + r * cols : nullptr;
    if (maximum == negativeInfinity) {
      rowSum[r] = 0.0f;
      if (out)
        for (long i = 0; i < cols; i++) out[i] = 0.0f;
      continue;
    }
    const vec shift = vset(maximum);
    double sum = 0.0;
    vec partial = vset(0.0f);
    long sinceFlush = 0;
    for (j = 0; j + W <= cols; j += W) {
      const vec e = vexp(vsub(vload(in + j), shift));
      if (out) vstore(out + j, e);
      partial = vadd(partial, e);
      // each lane adds at most 1 per step: flush to double every 256 steps to keep float sums exact enough
      if (++sinceFlush == 256) sum += vreduce_add(partial), partial = vset(0.0f), sinceFlush = 0;
    }
    if (j < cols) {
      const vec e = vexp(vsub(vload_n(in + j, cols - j, negativeInfinity), shift));
      if (out) vstore_n(out + j, e, cols - j);
      partial = vadd(partial, e);
    }
    rowSum[r] = (float)(sum + vreduce_add(partial));
  }
}

void scale_rows(float *x, long r0, long r1, long cols, const float *factors) {
  for (long r = r0; r < r1; r++) {
    float *row = x + r * cols;
    const vec factor = vset(factors[r]);
    long j = 0;
    for (; j + W <= cols; j += W) vstore(row + j, vmul(vload(row + j), factor));
    if (j < cols) vstore_n(row + j, vmul(vload_n(row + j, cols - j, 0.0f), factor), cols - j);
  }
}

inline vec sigmoid(vec g) { return vdiv(vset(1.0f), vadd(vset(1.0f), vexp(vsub(vset(0.0f), g)))); }

void swiglu_forward(const float *g, const float *u, float *out, float *sig, long i0, long i1) {
  long i = i0;
  for (; i + W <= i1; i += W) {
    const vec gv = vload(g + i), s = sigmoid(gv);
    if (sig) vstore(sig + i, s);
    vstore(out + i, vmul(vmul(gv, s), vload(u + i)));
  }
  if (i < i1) {
    const long n = i1 - i;
    const vec gv = vload_n(g + i, n, 0.0f), s = sigmoid(gv);
    if (sig) vstore_n(sig + i, s, n);
    vstore_n(out + i, vmul(vmul(gv, s), vload_n(u + i, n, 0.0f)), n);
  }
}

inline void swiglu_backward_vector(const vec grad, const vec g, const vec u, const vec s, vec &gg, vec &gu) {
  const vec gs = vmul(grad, s);
  gu = vmul(gs, g);
  // d silu(g)/dg = s·(1 + g·(1 − s))
  gg = vmul(vmul(gs, u), vfma(g, vsub(vset(1.0f), s), vset(1.0f)));
}

void swiglu_backward(const float *grad, const float *g, const float *u, const float *sig, float *gg, float *gu, long i0,
                     long i1) {
  for (long i = i0; i < i1; i += W) {
    const long n = i1 - i < W ? i1 - i : W;
    vec dg, du;
    if (n == W) {
      swiglu_backward_vector(vload(grad + i), vload(g + i), vload(u + i), vload(sig + i), dg, du);
      if (gg) vstore(gg + i, dg);
      if (gu) vstore(gu + i, du);
    } else {
      swiglu_backward_vector(vload_n(grad + i, n, 0), vload_n(g + i, n, 0), vload_n(u + i, n, 0), vload_n(sig + i, n, 0), dg, du);
      if (gg) vstore_n(gg + i, dg, n);
      if (gu) vstore_n(gu + i, du, n);
    }
  }
}

// Σ a·b over n elements, accumulated in double every 64 vectors.
inline double dot(const float *a, const float *b, long n) {
  double sum = 0.0;
  long j = 0;
  while (j + W <= n) {
    vec partial = vset(0.0f);
    for (long steps = 0; steps < 64 && j + W <= n; steps++, j += W) partial = vfma(vload(a + j), vload(b + j), partial);
    sum += vreduce_add(partial);
  }
  if (j < n) sum += vreduce_add(vmul(vload_n(a + j, n - j, 0.0f), vload_n(b + j, n - j, 0.0f)));
  return sum;
}

void rms_norm_forward(const float *x, const float *w, float *y, float *rstd, long r0, long r1, long dim, float eps) {
  for (long r = r0; r < r1; r++) {
    const float *in = x + r * dim;
    float *out = y + r * dim;
    const float s = (float)(1.0 / std::sqrt(dot(in, in, dim) / (double)dim + (double)eps));
    rstd[r] = s;
    const vec sv = vset(s);
    long j = 0;
    for (; j + W <= dim; j += W) vstore(out + j, vmul(vmul(vload(in + j), sv), vload(w + j)));
    if (j < dim) vstore_n(out + j, vmul(vmul(vload_n(in + j, dim - j, 0), sv), vload_n(w + j, dim - j, 0)), dim - j);
  }
}

void rms_norm_backward_x(const float *grad, const float *x, const float *w, const float *rstd, float *gx, long r0, long r1,
                         long dim) {
  for (long r = r0; r < r1; r++) {
    const float *g = grad + r * dim, *in = x + r * dim;
    float *out = gx + r * dim;
    const double s = rstd[r];
    double weighted = 0.0;
    long j = 0;
    while (j + W <= dim) {
      vec partial = vset(0.0f);
      for (long steps = 0; steps < 64 && j + W <= dim; steps++, j += W)
        partial = vfma(vmul(vload(g + j), vload(w + j)), vload(in + j), partial);
      weighted += vreduce_add(partial);
    }
    if (j < dim) weighted += vreduce_add(vmul(vmul(vload_n(g + j, dim - j, 0), vload_n(w + j, dim - j, 0)), vload_n(in + j, dim - j, 0)));
    // dx = rstd·g·w − x·rstd³·Σ(g·w·x)/dim
    const vec coefficient = vset((float)(weighted * s * s * s / (double)dim));
    const vec sv = vset((float)s);
    for (j = 0; j + W <= dim; j += W)
      vstore(out + j, vsub(vmul(vmul(vload(g + j), vload(w + j)), sv), vmul(vload(in + j), coefficient)));
    if (j < dim) {
      const long n = dim - j;
      vstore_n(out + j, vsub(vmul(vmul(vload_n(g + j, n, 0), vload_n(w + j, n, 0)), sv), vmul(vload_n(in + j, n, 0), coefficient)), n);
    }
  }
}

void rms_norm_backward_w(const float *grad, const float *x, const float *rstd, float *gw, long rows, long j0, long j1,
                         long dim) {
  for (long j = j0; j < j1; j++) gw[j] = 0.0f;
  for (long r = 0; r < rows; r++) {
    const float *g = grad + r * dim, *in = x + r * dim;
    const vec s = vset(rstd[r]);
    long j = j0;
    for (; j + W <= j1; j += W) vstore(gw + j, vfma(vmul(vload(g + j), vload(in + j)), s, vload(gw + j)));
    if (j < j1) {
      const long n = j1 - j;
      vstore_n(gw + j, vfma(vmul(vload_n(g + j, n, 0), vload_n(in + j, n, 0)), s, vload_n(gw + j, n, 0)), n);
    }
  }
}

void rope(const float *src, float *dst, const float *cosTable, const float *sinTable, const int *positions, long r0, long r1,
          long heads, long dim, long half, int interleaved, float direction) {
  const vec sign = vset(direction);
  for (long row = r0; row < r1; row++) {
    const float *c = cosTable + (long)positions[row] * half, *sn = sinTable + (long)positions[row] * half;
    for (long h = 0; h < heads; h++) {
      const long base = (row * heads + h) * dim;
      const float *in = src + base;
      float *out = dst + base;
      for (long j = 2 * half; j < dim; j++) out[j] = in[j];  // partial rotary: the tail passes through
      if (interleaved) {
        for (long i = 0; i < half; i++) {
          const float a = in[2 * i], b = in[2 * i + 1], s = direction * sn[i];
          out[2 * i] = a * c[i] - b * s;
          out[2 * i + 1] = b * c[i] + a * s;
        }
        continue;
      }
      for (long i = 0; i < half; i += W) {
        const long n = half - i < W ? half - i : W;
        const vec a = n == W ? vload(in + i) : vload_n(in + i, n, 0), b = n == W ? vload(in + half + i) : vload_n(in + half + i, n, 0);
        const vec cv = n == W ? vload(c + i) : vload_n(c + i, n, 0), sv = vmul(sign, n == W ? vload(sn + i) : vload_n(sn + i, n, 0));
        const vec first = vsub(vmul(a, cv), vmul(b, sv)), second = vadd(vmul(b, cv), vmul(a, sv));
        if (n == W) vstore(out + i, first), vstore(out + half + i, second);
        else vstore_n(out + i, first, n), vstore_n(out + half + i, second, n);
      }
    }
  }
}

void add(const float *a, const float *b, float *out, long i0, long i1) {
  long i = i0;
  for (; i + W <= i1; i += W) vstore(out + i, vadd(vload(a + i), vload(b + i)));
  if (i < i1) vstore_n(out + i, vadd(vload_n(a + i, i1 - i, 0), vload_n(b + i, i1 - i, 0)), i1 - i);
}

// Bit-for-bit the TypeScript AdamW (src/engine/train/adamw.ts): float64 arithmetic in the same order, no FMA
// contraction (the build passes -ffp-contract=fast), one rounding on store.
__attribute__((optimize("fp-contract=off"))) void adamw(float *value, const float *grad, float *m, float *v, long i0,
                                                        long i1, const AdamWStep &step) {
  const double beta1 = step.beta1, beta2 = step.beta2, oneMinusBeta1 = 1 - step.beta1, oneMinusBeta2 = 1 - step.beta2;
  for (long i = i0; i < i1; i++) {
    const double g = grad[i];
    const double mi = beta1 * (double)m[i] + oneMinusBeta1 * g;
    const double vi = beta2 * (double)v[i] + oneMinusBeta2 * g * g;
    m[i] = (float)mi;
    v[i] = (float)vi;
    value[i] = (float)((double)value[i] * step.shrink - (step.stepSize * mi) / (std::sqrt(vi) / step.correction2Root + step.epsilon));
  }
}

float softmax_row(float *row, long n, long lo, long hi, float scale) {
  for (long j = 0; j < lo && j < n; j++) row[j] = 0.0f;
  for (long j = hi < 0 ? 0 : hi; j < n; j++) row[j] = 0.0f;
  if (hi <= lo) return -INFINITY;
  const long count = hi - lo;
  float *in = row + lo;
  const vec sv = vset(scale);
  vec top = vset(-INFINITY);
  long j = 0;
  for (; j + W <= count; j += W) top = vmax(top, vmul(vload(in + j), sv));
  if (j < count) top = vmax(top, vmul(vload_n(in + j, count - j, -INFINITY), sv));
  const float maximum = vreduce_max(top);
  if (maximum == -INFINITY) {
    for (long i = 0; i < count; i++) in[i] = 0.0f;
    return -INFINITY;
  }
  const vec shift = vset(maximum);
  vec partial = vset(0.0f);
  for (j = 0; j + W <= count; j += W) {
    const vec e = vexp(vsub(vmul(vload(in + j), sv), shift));
    vstore(in + j, e);
    partial = vadd(partial, e);
  }
  if (j < count) {
    const vec e = vexp(vsub(vmul(vload_n(in + j, count - j, -INFINITY), sv), shift));
    vstore_n(in + j, e, count - j);
    partial = vadd(partial, e);
  }
  const double total = vreduce_add(partial);
  const vec inverse = vset((float)(1.0 / total));
  for (j = 0; j + W <= count; j += W) vstore(in + j, vmul(vload(in + j), inverse));
  if (j < count) vstore_n(in + j, vmul(vload_n(in + j, count - j, 0), inverse), count - j);
  return (float)((double)maximum + std::log(total));
}

void recompute_row(float *row, long n, long lo, long hi, float scale, float lse) {
  if (lse == -INFINITY || hi <= lo) {
    for (long j = 0; j < n; j++) row[j] = 0.0f;
    return;
  }
  for (long j = 0; j < lo && j < n; j++) row[j] = 0.0f;
  for (long j = hi; j < n; j++) row[j] = 0.0f;
  float *in = row + lo;
  const long count = hi - lo;
  const vec sv = vset(scale), shift = vset(lse);
  long j = 0;
  for (; j + W <= count; j += W) vstore(in + j, vexp(vsub(vmul(vload(in + j), sv), shift)));
  if (j < count) vstore_n(in + j, vexp(vsub(vmul(vload_n(in + j, count - j, -INFINITY), sv), shift)), count - j);
}

void softmax_backward_row(float *dp, const float *p, long n, float scale) {
  const vec d = vset((float)dot(dp, p, n)), sv = vset(scale);
  long j = 0;
  for (; j + W <= n; j += W) vstore(dp + j, vmul(vmul(vload(p + j), vsub(vload(dp + j), d)), sv));
  if (j < n) vstore_n(dp + j, vmul(vmul(vload_n(p + j, n - j, 0), vsub(vload_n(dp + j, n - j, 0), d)), sv), n - j);
}

}  // namespace

extern const RowKernelTable ROW_KERNELS_TABLE = {
    ROW_KERNELS_NAME, exp_shift_rows, scale_rows, swiglu_forward, swiglu_backward, rms_norm_forward, rms_norm_backward_x,
    rms_norm_backward_w, rope, add, adamw, softmax_row, recompute_row, softmax_backward_row,
};

}  // namespace sling
