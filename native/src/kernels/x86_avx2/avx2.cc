// AVX2 + FMA + F16C kernels for x86-64 CPUs without AVX-512 VNNI. Compiled
// with those flags only in this folder; dispatch.cc calls in here only when
// the CPU has them.
//
// Ternary products: a 64-byte tile is two 32-byte halves of 8 rows each.
// vpmaddubsw multiplies u8 codes {0, 1, 2} by s8 activations into int16
// pairs (|pair| <= 512, and the four column groups of a tile add up to at
// most 2048: no saturation, no wraparound), then vpmaddwd widens to int32
// per row. sum code*q - sum q = sum t*q exactly.

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/gemv_rows_table.h"
#include "kernels/isa_tables.h"
#include "kernels/x86_avx2/avx2_common.h"

namespace bitnet {
namespace {

// The scalar rule for one element, for tails (same code as the reference).
inline int quantize_one(float x, float s) {
  float v = std::nearbyint(x * s);
  if (!(v >= -128.0f)) return -128;
  if (v > 127.0f) return 127;
  return static_cast<int>(v);
}

float quantize_row_i8(const float* x, int n, int8_t* q, int32_t* q_sum) {
  const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
  __m256 mx = _mm256_setzero_ps();
  int c = 0;
  for (; c + 8 <= n; c += 8) mx = _mm256_max_ps(mx, _mm256_and_ps(_mm256_loadu_ps(x + c), abs_mask));
  __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(mx), _mm256_extractf128_ps(mx, 1));
  m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
  m4 = _mm_max_ss(m4, _mm_shuffle_ps(m4, m4, 1));
  float m = _mm_cvtss_f32(m4);
  for (; c < n; ++c) m = std::max(m, std::fabs(x[c]));
  // The max of |x| is exact in f32, so widening it equals the reference's double max (docs/exactness.md).
  double max = static_cast<double>(m);
  if (!(max > 1e-5)) max = 1e-5;
  const float s = static_cast<float>(127.0 / max);
  const __m256 sv = _mm256_set1_ps(s), lo = _mm256_set1_ps(-128.0f), hi = _mm256_set1_ps(127.0f);
  __m256i sum = _mm256_setzero_si256();
  // Clamp then round (the bounds are integers, so this equals round then
  // clamp); max_ps returns its second operand for NaN, as the scalar does.
  for (c = 0; c + 8 <= n; c += 8) {
    __m256 p = _mm256_min_ps(_mm256_max_ps(_mm256_mul_ps(_mm256_loadu_ps(x + c), sv), lo), hi);
    __m256i i = _mm256_cvtps_epi32(p);  // round half to even (default MXCSR)
    sum = _mm256_add_epi32(sum, i);
    __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(i), _mm256_extracti128_si256(i, 1));
    w = _mm_packs_epi16(w, w);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(q + c), w);
  }
  int32_t total = hsum_epi32(sum);
  for (; c < n; ++c) {
    int v = quantize_one(x[c], s);
    q[c] = static_cast<int8_t>(v);
    total += v;
  }
  *q_sum = total;
  return s;
}

// sum over one 8-row half-tile of code*q for the four column groups, int32 per row.
inline __m256i half_tile_dot(__m256i v, __m256i b0, __m256i b1, __m256i b2, __m256i b3, __m256i m3,
                             __m256i ones16) {
  __m256i p = _mm256_maddubs_epi16(_mm256_and_si256(v, m3), b0);
  p = _mm256_add_epi16(p, _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(v, 2), m3), b1));
  p = _mm256_add_epi16(p, _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(v, 4), m3), b2));
  p = _mm256_add_epi16(p, _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(v, 6), m3), b3));
  return _mm256_madd_epi16(p, ones16);
}

void gemv(const TernaryMatrix& w, const int8_t* q, int32_t q_sum, int r0, int r1, int32_t* dot) {
  const int cols = w.cols, tiles = cols / 16;
  const size_t group_bytes = static_cast<size_t>(4) * cols;
  const __m256i qsum = _mm256_set1_epi32(q_sum);
  const __m256i m3 = _mm256_set1_epi8(3), ones16 = _mm256_set1_epi16(1);
  for (int r = r0; r < r1; r += 16) {
    const uint8_t* g = w.packed + (r / 16) * group_bytes;
    __m256i acc0 = _mm256_setzero_si256(), acc1 = _mm256_setzero_si256();
    for (int k = 0; k < tiles; ++k) {
      const int8_t* qk = q + 16 * k;
      const __m256i b0 = bcast4(qk), b1 = bcast4(qk + 4), b2 = bcast4(qk + 8), b3 = bcast4(qk + 12);
      const uint8_t* t = g + 64 * static_cast<size_t>(k);
      acc0 = _mm256_add_epi32(acc0, half_tile_dot(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(t)), b0, b1,
                                                  b2, b3, m3, ones16));
      acc1 = _mm256_add_epi32(acc1, half_tile_dot(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(t + 32)), b0,
                                                  b1, b2, b3, m3, ones16));
    }
    store_rows(dot + r, _mm256_sub_epi32(acc0, qsum), r1 - r);
    store_rows(dot + r + 8, _mm256_sub_epi32(acc1, qsum), r1 - r - 8);
  }
}

// vpmaddubsw into int16 pairs (no saturation, see the top), then vpmaddwd
// into int32 per row.
struct MaddDot {
  static __m256i add(__m256i acc, const __m256i* c, const int8_t* qt) {
    __m256i p = _mm256_maddubs_epi16(c[0], bcast4(qt));
    p = _mm256_add_epi16(p, _mm256_maddubs_epi16(c[1], bcast4(qt + 4)));
    p = _mm256_add_epi16(p, _mm256_maddubs_epi16(c[2], bcast4(qt + 8)));
    p = _mm256_add_epi16(p, _mm256_maddubs_epi16(c[3], bcast4(qt + 12)));
    return _mm256_add_epi32(acc, _mm256_madd_epi16(p, _mm256_set1_epi16(1)));
  }
};

void ternary_gemm(const TernaryMatrix& w, const int8_t* q, const int32_t* q_sum, int n_tok, int r0, int r1,
                  int32_t* dot, int ld) {
  if (n_tok == 1) gemv(w, q, q_sum[0], r0, r1, dot);
  else blocked_gemm<MaddDot>(w, q, q_sum, n_tok, r0, r1, dot, ld);
}

inline __m256i widen16(const int8_t* p) {
  return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

// One row at a time, so the head streams as one sequential read per core
// (measured on AVX-512: about 1.7x the rate of four interleaved rows); four
// accumulators over 64-byte steps keep the dependency chains short.
void i8_gemv(const int8_t* a, size_t lda, int cols, const int8_t* q, int r0, int r1, int32_t* out) {
  const int full = cols & ~63, full16 = cols & ~15;
  for (int r = r0; r < r1; ++r) {
    const int8_t* row = a + static_cast<size_t>(r) * lda;
    __m256i acc0 = _mm256_setzero_si256(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    for (int c = 0; c < full; c += 64) {
      acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(widen16(row + c), widen16(q + c)));
      acc1 = _mm256_add_epi32(acc1, _mm256_madd_epi16(widen16(row + c + 16), widen16(q + c + 16)));
      acc2 = _mm256_add_epi32(acc2, _mm256_madd_epi16(widen16(row + c + 32), widen16(q + c + 32)));
      acc3 = _mm256_add_epi32(acc3, _mm256_madd_epi16(widen16(row + c + 48), widen16(q + c + 48)));
    }
    for (int c = full; c < full16; c += 16)
      acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(widen16(row + c), widen16(q + c)));
    int32_t s = hsum_epi32(_mm256_add_epi32(_mm256_add_epi32(acc0, acc1), _mm256_add_epi32(acc2, acc3)));
    for (int c = full16; c < cols; ++c) s += row[c] * q[c];
    out[r] = s;
  }
}

// The 4-bit head's codes by vpmaddubsw into int16 pairs: each is at most
// 2 * 15 * 128 = 3840 in magnitude, four of them 15360, so no saturation;
// then vpmaddwd widens to int32.
struct Q4MaddDot {
  static __m256i block(__m256i acc, const __m256i* c, const int8_t* qb) {
    auto load = [](const int8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); };
    __m256i p = _mm256_maddubs_epi16(c[0], load(qb));
    p = _mm256_add_epi16(p, _mm256_maddubs_epi16(c[1], load(qb + 64)));
    p = _mm256_add_epi16(p, _mm256_maddubs_epi16(c[2], load(qb + 32)));
    p = _mm256_add_epi16(p, _mm256_maddubs_epi16(c[3], load(qb + 96)));
    return _mm256_add_epi32(acc, _mm256_madd_epi16(p, _mm256_set1_epi16(1)));
  }
};

inline __m256 load_f16x8(const uint16_t* p) {
  return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

// The canonical reduction of kernels.h: lanes l + 8 (lo + hi), then l + 4,
// l + 2, l + 1.
inline float reduce16(__m256 lo, __m256 hi) {
  __m256 s8 = _mm256_add_ps(lo, hi);
  __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
  __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
  return _mm_cvtss_f32(_mm_add_ss(s2, _mm_shuffle_ps(s2, s2, 1)));
}

void f16_gemv(const uint16_t* a, size_t lda, int cols, const float* x, int r0, int r1, float* out) {
  const int full = cols & ~15, tail = cols - full;
  // The ragged tail, zero-padded: fma(0, 0, acc) leaves acc unchanged (acc
  // starts at +0 and so is never -0).
  alignas(32) float xt[16] = {0};
  for (int c = 0; c < tail; ++c) xt[c] = x[full + c];
  alignas(16) uint16_t at[2][16] = {{0}};
  int r = r0;
  // Short rows (attention): two rows at once for more fma chains in flight.
  // Long rows (the F16 head) stream from memory: one row at a time is one
  // sequential read, measured 1.6x faster on AVX-512.
  for (; cols < 1024 && r + 2 <= r1; r += 2) {
    const uint16_t* row0 = a + static_cast<size_t>(r) * lda;
    const uint16_t* row1 = row0 + lda;
    __m256 a0 = _mm256_setzero_ps(), b0 = a0, a1 = a0, b1 = a0;
    for (int c = 0; c < full; c += 16) {
      const __m256 xl = _mm256_loadu_ps(x + c), xh = _mm256_loadu_ps(x + c + 8);
      a0 = _mm256_fmadd_ps(load_f16x8(row0 + c), xl, a0);
      b0 = _mm256_fmadd_ps(load_f16x8(row0 + c + 8), xh, b0);
      a1 = _mm256_fmadd_ps(load_f16x8(row1 + c), xl, a1);
      b1 = _mm256_fmadd_ps(load_f16x8(row1 + c + 8), xh, b1);
    }
    if (tail) {
      std::memcpy(at[0], row0 + full, 2 * tail);
      std::memcpy(at[1], row1 + full, 2 * tail);
      const __m256 xl = _mm256_load_ps(xt), xh = _mm256_load_ps(xt + 8);
      a0 = _mm256_fmadd_ps(load_f16x8(at[0]), xl, a0);
      b0 = _mm256_fmadd_ps(load_f16x8(at[0] + 8), xh, b0);
      a1 = _mm256_fmadd_ps(load_f16x8(at[1]), xl, a1);
      b1 = _mm256_fmadd_ps(load_f16x8(at[1] + 8), xh, b1);
    }
    out[r] = reduce16(a0, b0);
    out[r + 1] = reduce16(a1, b1);
  }
  for (; r < r1; ++r) {
    const uint16_t* row = a + static_cast<size_t>(r) * lda;
    __m256 lo = _mm256_setzero_ps(), hi = lo;
    for (int c = 0; c < full; c += 16) {
      lo = _mm256_fmadd_ps(load_f16x8(row + c), _mm256_loadu_ps(x + c), lo);
      hi = _mm256_fmadd_ps(load_f16x8(row + c + 8), _mm256_loadu_ps(x + c + 8), hi);
    }
    if (tail) {
      std::memcpy(at[0], row + full, 2 * tail);
      lo = _mm256_fmadd_ps(load_f16x8(at[0]), _mm256_load_ps(xt), lo);
      hi = _mm256_fmadd_ps(load_f16x8(at[0] + 8), _mm256_load_ps(xt + 8), hi);
    }
    out[r] = reduce16(lo, hi);
  }
}

// Rows one at a time against NX vectors: each 16-column step widens the row
// once for 2 * NX independent fma chains. The ragged tail is zero-padded as
// in f16_gemv. `lanes` and `out`: see kernels/gemv_rows_table.h.
template <int NX>
void gemv_rows(const uint16_t* a, size_t lda, int cols, const float* x, size_t ldx, int r0, int r1, float* lanes,
               float* out, size_t ldo) {
  const int full = cols & ~15, tail = cols - full;
  alignas(32) float xt[NX][16] = {};
  for (int j = 0; j < NX; ++j)
    for (int c = 0; c < tail; ++c) xt[j][c] = x[j * ldx + full + c];
  alignas(16) uint16_t at[16] = {0};
  for (int r = r0; r < r1; ++r) {
    const uint16_t* row = a + static_cast<size_t>(r) * lda;
    __m256 lo[NX], hi[NX];
#pragma GCC unroll 4
    for (int j = 0; j < NX; ++j) {
      if (lanes) {
        const float* l = lanes + (static_cast<size_t>(j) * r1 + r) * 16;
        lo[j] = _mm256_loadu_ps(l);
        hi[j] = _mm256_loadu_ps(l + 8);
      } else {
        lo[j] = hi[j] = _mm256_setzero_ps();
      }
    }
    for (int c = 0; c < full; c += 16) {
      const __m256 wl = load_f16x8(row + c), wh = load_f16x8(row + c + 8);
#pragma GCC unroll 4
      for (int j = 0; j < NX; ++j) {
        lo[j] = _mm256_fmadd_ps(wl, _mm256_loadu_ps(x + j * ldx + c), lo[j]);
        hi[j] = _mm256_fmadd_ps(wh, _mm256_loadu_ps(x + j * ldx + c + 8), hi[j]);
      }
    }
    if (tail) {
      std::memcpy(at, row + full, 2 * tail);
      const __m256 wl = load_f16x8(at), wh = load_f16x8(at + 8);
#pragma GCC unroll 4
      for (int j = 0; j < NX; ++j) {
        lo[j] = _mm256_fmadd_ps(wl, _mm256_load_ps(xt[j]), lo[j]);
        hi[j] = _mm256_fmadd_ps(wh, _mm256_load_ps(xt[j] + 8), hi[j]);
      }
    }
#pragma GCC unroll 4
    for (int j = 0; j < NX; ++j) {
      if (!out) {
        float* l = lanes + (static_cast<size_t>(j) * r1 + r) * 16;
        _mm256_storeu_ps(l, lo[j]);
        _mm256_storeu_ps(l + 8, hi[j]);
      } else {
        out[j * ldo + r] = reduce16(lo[j], hi[j]);
      }
    }
  }
}

constexpr GemvRowsFns gemv_rows_fns = {&gemv_rows<1>, &gemv_rows<2>, &gemv_rows<3>, &gemv_rows<4>};

}  // namespace

const KernelTable& avx2_kernels() {
  static const KernelTable table = {"avx2", quantize_row_i8, ternary_gemm, i8_gemv, f16_gemv,
                                    f16_gemv_many_by_rows<gemv_rows_fns, f16_gemv>,
                                    f16_gemv_lanes_by_rows<gemv_rows_fns>, q4_gemv_with<Q4MaddDot>};
  return table;
}

}  // namespace bitnet
