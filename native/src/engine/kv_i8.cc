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

// Eight floats: a whole AVX register, and two SSE or NEON ones. (Wider
// generic vectors than the target's registers are kept in memory.)
typedef float F32x8 __attribute__((vector_size(32)));
constexpr int kWidenRun = 128;

// Columns [0, n) of one widened row v against NX vectors: each vector's 16
// accumulators (two halves of 8) in turn, NX independent chains of
// additions at once.
template <int NX>
inline void accumulate_row(const float* v, int n, const float* x, size_t ldx, float* const* l) {
  F32x8 lo[NX], hi[NX];
#pragma GCC unroll 4
  for (int j = 0; j < NX; ++j) {
    std::memcpy(&lo[j], l[j], sizeof lo[j]);
    std::memcpy(&hi[j], l[j] + 8, sizeof hi[j]);
  }
  for (int c = 0; c < n; c += 16) {
    F32x8 vlo, vhi;
    std::memcpy(&vlo, v + c, sizeof vlo);
    std::memcpy(&vhi, v + c + 8, sizeof vhi);
#pragma GCC unroll 4
    for (int j = 0; j < NX; ++j) {
      F32x8 wlo, whi;
      std::memcpy(&wlo, x + j * ldx + c, sizeof wlo);
      std::memcpy(&whi, x + j * ldx + c + 8, sizeof whi);
      F32x8 plo = wlo * vlo, phi = whi * vhi;
      lo[j] = lo[j] + plo;
      hi[j] = hi[j] + phi;
    }
  }
#pragma GCC unroll 4
  for (int j = 0; j < NX; ++j) {
    std::memcpy(l[j], &lo[j], sizeof lo[j]);
    std::memcpy(l[j] + 8, &hi[j], sizeof hi[j]);
  }
}

}  // namespace

// A row's 16 accumulators are two vectors of 8 floats (GCC and Clang
// vector extensions: elementwise IEEE operations), so columns go 16 at a
// time, up to four vectors' chains side by side. Each row is widened to
// floats once for all n_x vectors, by a plain loop, which the compiler
// vectorizes (a vector conversion from int8 it turns into scalar code), in
// runs of kWidenRun columns. The reduction is written out here: a helper
// would not be inlined into the clones.
BITNET_VECTOR_CLONES
void i8_gemv_lanes(const int8_t* a, size_t lda, int cols, const float* x, size_t ldx, int n_x, int rows,
                   float* lanes, float* out) {
  const int full = cols & ~15;
  float v[kWidenRun];
  for (int r = 0; r < rows; ++r) {
    const int8_t* row = a + static_cast<size_t>(r) * lda;
    for (int c0 = 0; c0 < full; c0 += kWidenRun) {
      const int n = full - c0 < kWidenRun ? full - c0 : kWidenRun;
      for (int c = 0; c < n; ++c) v[c] = static_cast<float>(row[c0 + c]);
      for (int j0 = 0; j0 < n_x; j0 += 4) {
        float* l[4];
        const int nx = n_x - j0 < 4 ? n_x - j0 : 4;
        for (int j = 0; j < nx; ++j) l[j] = lanes + (static_cast<size_t>(j0 + j) * rows + r) * 16;
        const float* xj = x + static_cast<size_t>(j0) * ldx + c0;
        switch (nx) {
          case 1: accumulate_row<1>(v, n, xj, ldx, l); break;
          case 2: accumulate_row<2>(v, n, xj, ldx, l); break;
          case 3: accumulate_row<3>(v, n, xj, ldx, l); break;
          default: accumulate_row<4>(v, n, xj, ldx, l); break;
        }
      }
    }
    for (int j = 0; j < n_x; ++j) {
      float* l = lanes + (static_cast<size_t>(j) * rows + r) * 16;
      const float* xj = x + static_cast<size_t>(j) * ldx;
      for (int c = full; c < cols; ++c) {
        float p = xj[c] * static_cast<float>(row[c]);
        l[c - full] = l[c - full] + p;
      }
      if (out) {
        // f16_gemv's halving tree.
        float acc[16];
        for (int k = 0; k < 8; ++k) acc[k] = l[k] + l[k + 8];
        for (int k = 0; k < 4; ++k) acc[k] = acc[k] + acc[k + 4];
        for (int k = 0; k < 2; ++k) acc[k] = acc[k] + acc[k + 2];
        out[static_cast<size_t>(j) * rows + r] = acc[0] + acc[1];
      }
    }
  }
}

}  // namespace bitnet
