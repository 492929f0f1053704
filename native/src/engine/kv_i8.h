#pragma once
// The arithmetic of the 8-bit KV cache (docs/exactness.md, The 8-bit KV
// cache): K and V rows as int8 with one f32 scale s = 127 / max|row| each
// (quantize_row_i8), so a cached value stands for q / s. Plain loops the
// compiler vectorizes (BITNET_VECTOR_CLONES); each states its order of f32
// operations, which every vector width keeps, so every machine gets the
// same bits. The integer dot products of the scores are the kernels'
// i8_gemv, exact.

#include <cstddef>
#include <cstdint>

namespace bitnet {

// Attention scores from exact int8 dot products of a query (scale q_scale)
// with n K rows (scales k_scale[0..n)): out[p] = ((float)dot[p] / q_scale) / k_scale[p].
void i8_scores(const int32_t* dot, int n, float q_scale, const float* k_scale, float* out);

// Folds the V rows' scales into softmax probabilities, in place:
// w[p] = w[p] / v_scale[p] (one rounding), so the V product works on the
// int8 values themselves.
void i8_fold_v_scale(float* w, int n, const float* v_scale);

// f16_gemv_lanes (kernels.h) over int8 rows, with a product and a sum
// instead of a fused multiply-add (so the loop vectorizes on every x86 and
// Arm target, FMA or not): for j in [0, n_x), r in [0, rows) and c in
// [0, cols), in order of c,
//   l[c % 16] = l[c % 16] + x[j * ldx + c] * (float)a[r * lda + c]
// where l = lanes + (j * rows + r) * 16 carries the 16 accumulators from one
// block of columns to the next (zero them before the first; each block
// starts at a multiple of 16 columns). With `out`, the call is the last
// block: the accumulators are reduced by f16_gemv's halving tree into
// out[j * rows + r].
void i8_gemv_lanes(const int8_t* a, size_t lda, int cols, const float* x, size_t ldx, int n_x, int rows,
                   float* lanes, float* out);

}  // namespace bitnet
