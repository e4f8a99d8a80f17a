// @module native/row-kernels-portable
// The row kernels (row-kernels-impl.h) in plain C++, one lane at a time, for CPUs without AVX-512.
#include "simd-scalar.h"
#define ROW_KERNELS_TABLE ROW_KERNELS_PORTABLE
#define ROW_KERNELS_NAME "portable"
#include "row-kernels-impl.h"
