// f16_gemv, f16_gemv_many and f16_gemv_lanes for Intel cores with AMX:
// attention's scores (K rows) and weighted values (V rows), and the exact
// F16 head. The 16 canonical lanes of kernels.h are one zmm register, so
// lane l of a 16-column step is column c + l and every lane runs the same
// fmaf chain as the scalar reference.
// Four rows at a time against up to four vectors: each step widens four
// rows and loads each vector once for 16 multiply-adds (one row at a time
// would load a vector for every multiply-add and be bound by loads).

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include "kernels/x86_amx/intel_kernels.h"

namespace bitnet {
namespace intel {
namespace {

// The canonical reduction: lanes l + 8, then l + 4, l + 2, l + 1.
inline float reduce16(__m512 v) {
  const __m256 s8 = _mm256_add_ps(_mm512_castps512_ps256(v), _mm512_extractf32x8_ps(v, 1));
  const __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
  const __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
  return _mm_cvtss_f32(_mm_add_ss(s2, _mm_shuffle_ps(s2, s2, 1)));
}

inline __m512 widen(const uint16_t* p) { return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))); }
inline __m512 widen_tail(const uint16_t* p, __mmask16 m) { return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, p)); }

// NR rows from r against NX vectors. The accumulators of (vector j, row r)
// start from lanes[(j * rows + r) * 16 ..] when `lanes` is given, else from
// zero; they end reduced into out[j * ldo + r] when `out` is given, else
// back in lanes. kStream: rows long enough to stream from memory (the F16
// head), read 1 KiB ahead (10% faster there; a waste on cached K and V).
template <int NR, int NX, bool kStream = false>
void rows_block(const uint16_t* a, size_t lda, int cols, const float* x, size_t ldx, int r, int rows, float* lanes,
                float* out, size_t ldo) {
  __m512 acc[NR][NX];
#pragma GCC unroll 4
  for (int i = 0; i < NR; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < NX; ++j)
      acc[i][j] = lanes ? _mm512_loadu_ps(lanes + (static_cast<size_t>(j) * rows + r + i) * 16) : _mm512_setzero_ps();
  const uint16_t* row = a + static_cast<size_t>(r) * lda;
  const int full = cols & ~15;
  for (int c = 0; c < full; c += 16) {
    __m512 k[NR];
    if (kStream) {
#pragma GCC unroll 4
      for (int i = 0; i < NR; ++i) _mm_prefetch(reinterpret_cast<const char*>(row + i * lda + c) + 1024, _MM_HINT_T0);
    }
#pragma GCC unroll 4
    for (int i = 0; i < NR; ++i) k[i] = widen(row + i * lda + c);
#pragma GCC unroll 4
    for (int j = 0; j < NX; ++j) {
      const __m512 xv = _mm512_loadu_ps(x + j * ldx + c);
#pragma GCC unroll 4
      for (int i = 0; i < NR; ++i) acc[i][j] = _mm512_fmadd_ps(k[i], xv, acc[i][j]);
    }
  }
  if (full < cols) {
    // Masked lanes keep their accumulator, as the reference never touches them.
    const __mmask16 m = static_cast<__mmask16>((1u << (cols - full)) - 1);
    __m512 k[NR];
#pragma GCC unroll 4
    for (int i = 0; i < NR; ++i) k[i] = widen_tail(row + i * lda + full, m);
#pragma GCC unroll 4
    for (int j = 0; j < NX; ++j) {
      const __m512 xv = _mm512_maskz_loadu_ps(m, x + j * ldx + full);
#pragma GCC unroll 4
      for (int i = 0; i < NR; ++i) acc[i][j] = _mm512_mask3_fmadd_ps(k[i], xv, acc[i][j], m);
    }
  }
#pragma GCC unroll 4
  for (int i = 0; i < NR; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < NX; ++j) {
      if (out) out[j * ldo + r + i] = reduce16(acc[i][j]);
      else _mm512_storeu_ps(lanes + (static_cast<size_t>(j) * rows + r + i) * 16, acc[i][j]);
    }
}

template <int NX, bool kStream = false>
void rows_range(const uint16_t* a, size_t lda, int cols, const float* x, size_t ldx, int r0, int r1, int rows,
                float* lanes, float* out, size_t ldo) {
  int r = r0;
  for (; r + 4 <= r1; r += 4) rows_block<4, NX, kStream>(a, lda, cols, x, ldx, r, rows, lanes, out, ldo);
  for (; r < r1; ++r) rows_block<1, NX, kStream>(a, lda, cols, x, ldx, r, rows, lanes, out, ldo);
}

using RowsRangeFn = void (*)(const uint16_t*, size_t, int, const float*, size_t, int, int, int, float*, float*,
                             size_t);
constexpr RowsRangeFn rows_range_fns[kGemvManyMax] = {&rows_range<1>, &rows_range<2>, &rows_range<3>, &rows_range<4>};

}  // namespace

void f16_gemv_zmm(const uint16_t* a, size_t lda, int cols, const float* x, int r0, int r1, float* out) {
  if (cols < 1024) rows_range<1>(a, lda, cols, x, 0, r0, r1, r1, nullptr, out, 0);
  else rows_range<1, true>(a, lda, cols, x, 0, r0, r1, r1, nullptr, out, 0);
}

void f16_gemv_many_zmm(const uint16_t* a, size_t lda, int cols, const float* x, size_t ldx, int n_x, int r0, int r1,
                       float* out, size_t ldo) {
  rows_range_fns[n_x - 1](a, lda, cols, x, ldx, r0, r1, r1, nullptr, out, ldo);
}

void f16_gemv_lanes_zmm(const uint16_t* a, size_t lda, int cols, const float* x, size_t ldx, int n_x, int rows,
                        float* lanes, float* out) {
  rows_range_fns[n_x - 1](a, lda, cols, x, ldx, 0, rows, rows, lanes, out, rows);
}

}  // namespace intel
}  // namespace bitnet
