// The scalar reference kernels: plain C++ that states each kernel's exact
// numerics. Every SIMD table must reproduce these results bit for bit.

#include <cmath>

#include "kernels/fma_f32.h"
#include "kernels/kernels.h"

namespace bitnet {
namespace {

float quantize_row_i8(const float* x, int n, int8_t* q, int32_t* q_sum) {
  double max = 1e-5;
  for (int i = 0; i < n; ++i) {
    double a = std::fabs(static_cast<double>(x[i]));
    if (a > max) max = a;
  }
  const float s = static_cast<float>(127.0 / max);
  int32_t sum = 0;
  for (int i = 0; i < n; ++i) {
    float v = std::nearbyint(x[i] * s);  // f32 product, then half-to-even
    int iv;
    if (!(v >= -128.0f)) iv = -128;  // also catches NaN
    else if (v > 127.0f) iv = 127;
    else iv = static_cast<int>(v);
    q[i] = static_cast<int8_t>(iv);
    sum += iv;
  }
  *q_sum = sum;
  return s;
}

// Multiplies codes - 1 directly, so it never needs q_sum.
void ternary_gemm(const TernaryMatrix& w, const int8_t* q, const int32_t* /*q_sum*/, int n_tok, int r0, int r1,
                  int32_t* dot, int ld) {
  const int cols = w.cols;
  for (int g0 = r0; g0 < r1; g0 += kTernaryRowGroup) {
    const uint8_t* group = w.packed + static_cast<size_t>(g0 / kTernaryRowGroup) * 4 * cols;
    const int rows_here = r1 - g0 < kTernaryRowGroup ? r1 - g0 : kTernaryRowGroup;
    for (int t = 0; t < n_tok; ++t) {
      const int8_t* qt = q + static_cast<size_t>(t) * cols;
      for (int i = 0; i < rows_here; ++i) {
        int32_t acc = 0;
        for (int k = 0; k < cols / 16; ++k) {
          const uint8_t* lane = group + static_cast<size_t>(k) * 64 + 4 * i;
          for (int s = 0; s < 4; ++s) {
            for (int j = 0; j < 4; ++j) {
              int code = (lane[j] >> (2 * s)) & 3;
              acc += (code - 1) * qt[16 * k + 4 * s + j];
            }
          }
        }
        dot[static_cast<size_t>(t) * ld + g0 + i] = acc;
      }
    }
  }
}

void i8_gemv(const int8_t* a, size_t lda, int cols, const int8_t* q, int r0, int r1,
             int32_t* out) {
  for (int r = r0; r < r1; ++r) {
    const int8_t* row = a + static_cast<size_t>(r) * lda;
    int32_t acc = 0;
    for (int c = 0; c < cols; ++c) acc += row[c] * q[c];
    out[r] = acc;
  }
}

void q4_gemv(const uint8_t* a, size_t lda, int cols, const int8_t* q, int r0, int r1, int32_t* out) {
  for (int r = r0; r < r1; ++r) {
    const uint8_t* row = a + static_cast<size_t>(r) * lda;
    int32_t acc = 0;
    for (int c = 0; c < cols; ++c) acc += q4_at(row, c) * q[c];
    out[r] = acc;
  }
}

// The halving tree of f16_gemv over 16 accumulators.
float reduce16(float* acc) {
  for (int l = 0; l < 8; ++l) acc[l] += acc[l + 8];
  for (int l = 0; l < 4; ++l) acc[l] += acc[l + 4];
  for (int l = 0; l < 2; ++l) acc[l] += acc[l + 2];
  return acc[0] + acc[1];
}

void f16_gemv(const uint16_t* a, size_t lda, int cols, const float* x, int r0, int r1,
              float* out) {
  for (int r = r0; r < r1; ++r) {
    const uint16_t* row = a + static_cast<size_t>(r) * lda;
    float acc[16] = {0};
    for (int c = 0; c < cols; ++c) acc[c % 16] = fma_f32(f16_to_f32(row[c]), x[c], acc[c % 16]);
    out[r] = reduce16(acc);
  }
}

void f16_gemv_lanes(const uint16_t* a, size_t lda, int cols, const float* x, size_t ldx, int n_x, int rows,
                    float* lanes, float* out) {
  for (int j = 0; j < n_x; ++j) {
    for (int r = 0; r < rows; ++r) {
      float* l = lanes + (static_cast<size_t>(j) * rows + r) * 16;
      const uint16_t* row = a + static_cast<size_t>(r) * lda;
      for (int c = 0; c < cols; ++c) l[c % 16] = fma_f32(f16_to_f32(row[c]), x[j * ldx + c], l[c % 16]);
      if (out) out[j * rows + r] = reduce16(l);
    }
  }
}

void f16_gemv_many(const uint16_t* a, size_t lda, int cols, const float* x, size_t ldx, int n_x, int r0, int r1,
                   float* out, size_t ldo) {
  for (int j = 0; j < n_x; ++j) f16_gemv(a, lda, cols, x + j * ldx, r0, r1, out + j * ldo);
}

}  // namespace

const KernelTable& scalar_kernels() {
  static const KernelTable table = {"scalar", quantize_row_i8, ternary_gemm, i8_gemv, f16_gemv,
                                    f16_gemv_many, f16_gemv_lanes, q4_gemv};
  return table;
}

}  // namespace bitnet
