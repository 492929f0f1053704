#include "engine/strict_fp.h"
#include "engine/kv_i8.h"

#include <cstring>

#include "engine/ops.h"  // BITNET_VECTOR_CLONES

namespace bitnet {

BITNET_VECTOR_CLONES
void i8_scores(const int32_t* dot, int n, float q_scale, const float* k_scale, float* out) {
  for (int p = 0; p < n; ++p) {
    float f = static_cast<float>(dot[p]);
    float q = f / q_scale;
    out[p] = q / k_scale[p];
  }
}

BITNET_VECTOR_CLONES
void i8_fold_v_scale(float* w, int n, const float* v_scale) {
  for (int p = 0; p < n; ++p) w[p] = w[p] / v_scale[p];
}

namespace {

// f16_gemv's halving tree over 16 accumulators.
float reduce16(float* acc) {
  for (int l = 0; l < 8; ++l) acc[l] = acc[l] + acc[l + 8];
  for (int l = 0; l < 4; ++l) acc[l] = acc[l] + acc[l + 4];
  for (int l = 0; l < 2; ++l) acc[l] = acc[l] + acc[l + 2];
  return acc[0] + acc[1];
}

}  // namespace

// A row's 16 accumulators are one vector of 16 floats (GCC and Clang
// vector extensions: elementwise IEEE operations, split into whatever
// registers each clone has), so the block's columns go 16 at a time.
BITNET_VECTOR_CLONES
void i8_gemv_lanes(const int8_t* a, size_t lda, int cols, const float* x, size_t ldx, int n_x, int rows,
                   float* lanes, float* out) {
  typedef float F16x __attribute__((vector_size(64)));
  typedef int8_t I16x __attribute__((vector_size(16)));
  const int full = cols & ~15;
  for (int j = 0; j < n_x; ++j) {
    const float* xj = x + static_cast<size_t>(j) * ldx;
    for (int r = 0; r < rows; ++r) {
      const int8_t* row = a + static_cast<size_t>(r) * lda;
      float* l = lanes + (static_cast<size_t>(j) * rows + r) * 16;
      F16x acc;
      std::memcpy(&acc, l, sizeof acc);
      for (int c = 0; c < full; c += 16) {
        I16x v;
        F16x w;
        std::memcpy(&v, row + c, sizeof v);
        std::memcpy(&w, xj + c, sizeof w);
        F16x p = w * __builtin_convertvector(v, F16x);
        acc = acc + p;
      }
      float tail[16];
      std::memcpy(tail, &acc, sizeof tail);
      for (int c = full; c < cols; ++c) {
        float p = xj[c] * static_cast<float>(row[c]);
        tail[c - full] = tail[c - full] + p;
      }
      std::memcpy(l, tail, sizeof tail);
      if (out) out[static_cast<size_t>(j) * rows + r] = reduce16(tail);
    }
  }
}

}  // namespace bitnet
