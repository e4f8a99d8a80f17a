// @module native/row-kernels
// Row-wise and elementwise kernels of a training step (everything around the GEMMs): softmax pieces for
// cross-entropy and attention, SwiGLU, RMSNorm, RoPE, residual add and the AdamW update. One table per ISA
// (row-kernels-avx512.cc, row-kernels-portable.cc) built from the same source (row-kernels-impl.h); each
// entry handles a range of rows or elements so addon-rows.cc can deal ranges out to the thread pool.
#ifndef SLING_ROW_KERNELS_H
#define SLING_ROW_KERNELS_H

namespace sling {

struct AdamWStep {
  double beta1, beta2, epsilon, shrink, stepSize, correction2Root;
};

struct RowKernelTable {
  const char *name;
  // Per row r: rowMax[r] = max, rowSum[r] = Σ exp(x − max); exps (may alias x, or null) = exp(x − max).
  void (*exp_shift_rows)(const float *x, long r0, long r1, long cols, float *rowMax, float *rowSum, float *exps);
  // x[r, :] *= factors[r]
  void (*scale_rows)(float *x, long r0, long r1, long cols, const float *factors);
  // out = silu(g)·u, sig (optional) = sigmoid(g)
  void (*swiglu_forward)(const float *g, const float *u, float *out, float *sig, long i0, long i1);
  // gg/gu (either may be null) from grad, g, u and the saved sigmoid
  void (*swiglu_backward)(const float *grad, const float *g, const float *u, const float *sig, float *gg, float *gu,
                          long i0, long i1);
  void (*rms_norm_forward)(const float *x, const float *w, float *y, float *rstd, long r0, long r1, long dim, float eps);
  void (*rms_norm_backward_x)(const float *grad, const float *x, const float *w, const float *rstd, float *gx, long r0,
                              long r1, long dim);
  // gw[j] = Σ_r grad[r, j]·x[r, j]·rstd[r] for columns [j0, j1)
  void (*rms_norm_backward_w)(const float *grad, const float *x, const float *rstd, float *gw, long rows, long j0,
                              long j1, long dim);
  // Rotates rows [r0, r1) of [rows, heads, dim]; row r uses cos/sin row positions[r] ([*, half]).
  void (*rope)(const float *src, float *dst, const float *cos, const float *sin, const int *positions, long r0, long r1,
               long heads, long dim, long half, int interleaved, float direction);
  void (*add)(const float *a, const float *b, float *out, long i0, long i1);
  void (*adamw)(float *value, const float *grad, float *m, float *v, long i0, long i1, const AdamWStep &step);
  // Attention rows: in place over n scores, row ← softmax(scale·row) on [lo, hi), 0 elsewhere; returns the
  // log-sum-exp (−inf when nothing is visible). Masked keys inside [lo, hi) must already be −inf.
  float (*softmax_row)(float *row, long n, long lo, long hi, float scale);
  // In place: row ← exp(scale·row − lse) on [lo, hi), 0 elsewhere (the forward probabilities again).
  void (*recompute_row)(float *row, long n, long lo, long hi, float scale, float lse);
  // In place: dp ← p·(dp − Σ dp·p)·scale
  void (*softmax_backward_row)(float *dp, const float *p, long n, float scale);
};

extern const RowKernelTable ROW_KERNELS_AVX512;
extern const RowKernelTable ROW_KERNELS_PORTABLE;

}  // namespace sling
#endif
