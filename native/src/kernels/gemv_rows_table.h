#pragma once
// f16_gemv_many and f16_gemv_lanes of a kernel table built on its own
// gemv_rows<NX> kernel (rows one at a time against NX vectors), written once
// for the tables that have one. Each table file instantiates these with its
// own kernels (which live in its anonymous namespace), so every
// instantiation is distinct and compiled with that file's instruction set.

#include <cstddef>
#include <cstdint>

#include "kernels/kernels.h"

namespace bitnet {

// gemv_rows<NX>: rows [r0, r1) of `a` against NX vectors x + j * ldx. The
// accumulators of (vector j, row r) start from lanes[(j * r1 + r) * 16 ..]
// when `lanes` is given (r0 == 0), else from zero; they end reduced as in
// f16_gemv into out[j * ldo + r] when `out` is given, else back in lanes.
using GemvRowsFn = void (*)(const uint16_t* a, size_t lda, int cols, const float* x, size_t ldx, int r0, int r1,
                            float* lanes, float* out, size_t ldo);
using GemvRowsFns = GemvRowsFn[kGemvManyMax];  // gemv_rows<1> .. gemv_rows<kGemvManyMax>
using F16GemvFn = void (*)(const uint16_t* a, size_t lda, int cols, const float* x, int r0, int r1, float* out);

// KernelTable::f16_gemv_many: one vector goes to the table's f16_gemv.
template <const GemvRowsFns& kRows, F16GemvFn kGemv>
void f16_gemv_many_by_rows(const uint16_t* a, size_t lda, int cols, const float* x, size_t ldx, int n_x, int r0,
                           int r1, float* out, size_t ldo) {
  if (n_x == 1) return kGemv(a, lda, cols, x, r0, r1, out);
  kRows[n_x - 1](a, lda, cols, x, ldx, r0, r1, nullptr, out, ldo);
}

// KernelTable::f16_gemv_lanes.
template <const GemvRowsFns& kRows>
void f16_gemv_lanes_by_rows(const uint16_t* a, size_t lda, int cols, const float* x, size_t ldx, int n_x, int rows,
                            float* lanes, float* out) {
  kRows[n_x - 1](a, lda, cols, x, ldx, 0, rows, lanes, out, rows);
}

}  // namespace bitnet
