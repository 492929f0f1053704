// AVX-512 (F/BW/VL/DQ) + VNNI kernels. Compiled with those flags only in
// this folder; dispatch.cc calls in here only when the CPU has them.
//
// Ternary products use vpdpbusd (u8 x s8 -> int32): each 32-bit lane of a
// 64-byte tile is one row and four columns (see kernels.h), so the four
// activation bytes are a broadcast and every lane accumulates its own row.
// With codes in {0, 1, 2}, sum code*q - sum q = sum t*q exactly.

// GCC 12's own intrinsic headers trip -Wuninitialized (_mm512_undefined_*
// initialise themselves on purpose); silence that false alarm here only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/gemv_rows_table.h"
#include "kernels/isa_tables.h"

namespace bitnet {
namespace {

inline __m512i bcast4(const int8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm512_set1_epi32(v);
}

// acc += codes . q[0..3] broadcast, in place. With GCC/Clang the broadcast
// is folded into vpdpbusd's memory operand ({1to16}); GCC otherwise keeps a
// separate broadcast and shuffles accumulators between registers.
inline __m512i dpbusd_bcast(__m512i acc, __m512i codes, const int8_t* p) {
#if defined(__GNUC__)
  __asm__("vpdpbusd %2%{1to16%}, %1, %0" : "+v"(acc) : "v"(codes), "m"(*reinterpret_cast<const int32_t*>(p)));
  return acc;
#else
  return _mm512_dpbusd_epi32(acc, codes, bcast4(p));
#endif
}

// Weights stream through the decode kernels once per token. Asking for the
// line 1 KiB ahead keeps more misses in flight than the hardware prefetcher
// alone: measured on a Sapphire Rapids-class core, decode 12% faster at 1
// and 2 threads (512 B and 2 KiB ahead: less; T1/NTA hints: slower).
constexpr int kPrefetch = 1024;

inline __mmask64 tail_mask64(int n) { return n >= 64 ? ~__mmask64(0) : (__mmask64(1) << n) - 1; }

// sum of q[0..n) in int32.
int32_t sum_i8(const int8_t* q, int n) {
  const __m512i ones = _mm512_set1_epi8(1);
  __m512i acc = _mm512_setzero_si512();
  for (int c = 0; c < n; c += 64) {
    __m512i v = _mm512_maskz_loadu_epi8(tail_mask64(n - c), q + c);
    acc = _mm512_dpbusd_epi32(acc, ones, v);
  }
  return _mm512_reduce_add_epi32(acc);
}

float quantize_row_i8(const float* x, int n, int8_t* q, int32_t* q_sum) {
  const __m512 abs_mask = _mm512_castsi512_ps(_mm512_set1_epi32(0x7fffffff));
  __m512 mx = _mm512_setzero_ps();
  int c = 0;
  for (; c + 16 <= n; c += 16) mx = _mm512_max_ps(mx, _mm512_and_ps(_mm512_loadu_ps(x + c), abs_mask));
  const __mmask16 tm = static_cast<__mmask16>((1u << (n - c)) - 1);
  if (c < n) mx = _mm512_max_ps(mx, _mm512_and_ps(_mm512_maskz_loadu_ps(tm, x + c), abs_mask));
  // The max of |x| is exact in f32, so widening it equals the reference's double max (docs/exactness.md).
  double max = static_cast<double>(_mm512_reduce_max_ps(mx));
  if (!(max > 1e-5)) max = 1e-5;
  const float s = static_cast<float>(127.0 / max);
  const __m512 sv = _mm512_set1_ps(s), lo = _mm512_set1_ps(-128.0f), hi = _mm512_set1_ps(127.0f);
  __m512i sum = _mm512_setzero_si512();
  // Clamping before rounding equals rounding then clamping (the bounds are
  // integers); max_ps returns its second operand for NaN, as the scalar does.
  for (c = 0; c + 16 <= n; c += 16) {
    __m512 p = _mm512_min_ps(_mm512_max_ps(_mm512_mul_ps(_mm512_loadu_ps(x + c), sv), lo), hi);
    __m512i i = _mm512_cvtps_epi32(p);  // round half to even (default MXCSR)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(q + c), _mm512_cvtepi32_epi8(i));
    sum = _mm512_add_epi32(sum, i);
  }
  if (c < n) {
    __m512 p = _mm512_min_ps(_mm512_max_ps(_mm512_mul_ps(_mm512_maskz_loadu_ps(tm, x + c), sv), lo), hi);
    __m512i i = _mm512_maskz_cvtps_epi32(tm, p);
    _mm512_mask_cvtepi32_storeu_epi8(q + c, tm, i);
    sum = _mm512_add_epi32(sum, i);
  }
  *q_sum = _mm512_reduce_add_epi32(sum);
  return s;
}

// Decode: one group of 16 rows against one activation row. Masking a tile
// with 0x03 << 2s leaves code * 4^s, so no shifts are needed in the loop:
// accumulator s collects 4^s * sum code*q and is scaled back at the end
// (exact: every term is a multiple of 4^s; |sum| < 2^31 for cols <= 65536).
// Two tiles per step into separate accumulators keep eight vpdpbusd chains
// in flight while reading one sequential stream (measured: one stream per
// core streams from memory about twice as fast as two interleaved ones).
inline __m512i gemv_group(const uint8_t* w, int tiles, const int8_t* q) {
  __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
  const __m512i m0 = _mm512_set1_epi8(0x03), m1 = _mm512_set1_epi8(0x0c), m2 = _mm512_set1_epi8(0x30),
                m3 = _mm512_set1_epi8(static_cast<char>(0xc0));
  int k = 0;
  for (; k + 2 <= tiles; k += 2) {
    const int8_t* qk = q + 16 * k;
    _mm_prefetch(reinterpret_cast<const char*>(w + 64 * static_cast<size_t>(k) + kPrefetch), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(w + 64 * static_cast<size_t>(k) + kPrefetch + 64), _MM_HINT_T0);
    const __m512i v = _mm512_loadu_si512(w + 64 * static_cast<size_t>(k));
    const __m512i u = _mm512_loadu_si512(w + 64 * static_cast<size_t>(k) + 64);
    a0 = dpbusd_bcast(a0, _mm512_and_si512(v, m0), qk);
    a1 = dpbusd_bcast(a1, _mm512_and_si512(v, m1), qk + 4);
    a2 = dpbusd_bcast(a2, _mm512_and_si512(v, m2), qk + 8);
    a3 = dpbusd_bcast(a3, _mm512_and_si512(v, m3), qk + 12);
    b0 = dpbusd_bcast(b0, _mm512_and_si512(u, m0), qk + 16);
    b1 = dpbusd_bcast(b1, _mm512_and_si512(u, m1), qk + 20);
    b2 = dpbusd_bcast(b2, _mm512_and_si512(u, m2), qk + 24);
    b3 = dpbusd_bcast(b3, _mm512_and_si512(u, m3), qk + 28);
  }
  if (k < tiles) {
    const int8_t* qk = q + 16 * k;
    const __m512i v = _mm512_loadu_si512(w + 64 * static_cast<size_t>(k));
    a0 = dpbusd_bcast(a0, _mm512_and_si512(v, m0), qk);
    a1 = dpbusd_bcast(a1, _mm512_and_si512(v, m1), qk + 4);
    a2 = dpbusd_bcast(a2, _mm512_and_si512(v, m2), qk + 8);
    a3 = dpbusd_bcast(a3, _mm512_and_si512(v, m3), qk + 12);
  }
  a0 = _mm512_add_epi32(a0, b0);
  a1 = _mm512_add_epi32(a1, b1);
  a2 = _mm512_add_epi32(a2, b2);
  a3 = _mm512_add_epi32(a3, b3);
  __m512i r = _mm512_add_epi32(a0, _mm512_srai_epi32(a1, 2));
  r = _mm512_add_epi32(r, _mm512_srai_epi32(a2, 4));
  return _mm512_add_epi32(r, _mm512_srai_epi32(a3, 6));
}

inline void store_rows(int32_t* dst, __m512i v, int n_rows) {
  if (n_rows >= 16) _mm512_storeu_si512(dst, v);
  else _mm512_mask_storeu_epi32(dst, static_cast<__mmask16>((1u << n_rows) - 1), v);
}

void gemv(const TernaryMatrix& w, const int8_t* q, int32_t q_sum, int r0, int r1, int32_t* dot) {
  const int cols = w.cols, tiles = cols / 16;
  const size_t group_bytes = static_cast<size_t>(4) * cols;
  const __m512i qsum = _mm512_set1_epi32(q_sum);
  for (int r = r0; r < r1; r += 16) {
    const __m512i acc = gemv_group(w.packed + (r / 16) * group_bytes, tiles, q);
    store_rows(dot + r, _mm512_sub_epi32(acc, qsum), r1 - r);
  }
}

// Prefill: one group of 16 rows against NT tokens. Each tile is unpacked to
// codes once and used for all NT tokens.
template <int NT>
void gemm_group(const uint8_t* w, int tiles, const int8_t* q, size_t q_stride, const int32_t* qsums,
                int32_t* dot, int ld, int n_rows) {
  __m512i acc[NT];
  for (int t = 0; t < NT; ++t) acc[t] = _mm512_setzero_si512();
  const __m512i m = _mm512_set1_epi8(0x03);
  for (int k = 0; k < tiles; ++k) {
    const __m512i v = _mm512_loadu_si512(w + 64 * static_cast<size_t>(k));
    const __m512i c0 = _mm512_and_si512(v, m);
    const __m512i c1 = _mm512_and_si512(_mm512_srli_epi16(v, 2), m);
    const __m512i c2 = _mm512_and_si512(_mm512_srli_epi16(v, 4), m);
    const __m512i c3 = _mm512_and_si512(_mm512_srli_epi16(v, 6), m);
    const int8_t* qk = q + 16 * k;
#pragma GCC unroll 16
    for (int t = 0; t < NT; ++t) {
      const int8_t* qt = qk + t * q_stride;
      acc[t] = dpbusd_bcast(acc[t], c0, qt);
      acc[t] = dpbusd_bcast(acc[t], c1, qt + 4);
      acc[t] = dpbusd_bcast(acc[t], c2, qt + 8);
      acc[t] = dpbusd_bcast(acc[t], c3, qt + 12);
    }
  }
  for (int t = 0; t < NT; ++t)
    store_rows(dot + static_cast<size_t>(t) * ld, _mm512_sub_epi32(acc[t], _mm512_set1_epi32(qsums[t])), n_rows);
}

using GemmGroupFn = void (*)(const uint8_t*, int, const int8_t*, size_t, const int32_t*, int32_t*, int, int);

template <int... N>
struct GemmTable {
  static constexpr GemmGroupFn fns[sizeof...(N)] = {&gemm_group<N + 1>...};
};
template <int... N>
constexpr GemmGroupFn GemmTable<N...>::fns[sizeof...(N)];

constexpr int kTokenBlock = 16;
const GemmGroupFn* gemm_fns = GemmTable<0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15>::fns;

void ternary_gemm(const TernaryMatrix& w, const int8_t* q, const int32_t* q_sum, int n_tok, int r0, int r1,
                  int32_t* dot, int ld) {
  if (n_tok == 1) {
    gemv(w, q, q_sum[0], r0, r1, dot);
    return;
  }
  const int cols = w.cols, tiles = cols / 16;
  const size_t group_bytes = static_cast<size_t>(4) * cols;
  // Cache blocking: a chunk of row groups (about 192 KiB of weights, kept in
  // L2) meets every block of 16 tokens before the next chunk is touched.
  const int chunk_groups = static_cast<int>(std::max<size_t>(1, (192u << 10) / group_bytes));
  for (int c0 = r0; c0 < r1; c0 += chunk_groups * 16) {
    const int c1 = std::min(r1, c0 + chunk_groups * 16);
    for (int t0 = 0; t0 < n_tok; t0 += kTokenBlock) {
      const int nt = std::min(kTokenBlock, n_tok - t0);
      const int8_t* qt = q + static_cast<size_t>(t0) * cols;
      const int32_t* qsums = q_sum + t0;
      for (int r = c0; r < c1; r += 16) {
        gemm_fns[nt - 1](w.packed + (r / 16) * group_bytes, tiles, qt, cols, qsums,
                         dot + static_cast<size_t>(t0) * ld + r, ld, std::min(16, c1 - r));
      }
    }
  }
}

// out[r] = sum a*q with a as u8 (a + 128): sum (a+128)*q - 128 * sum q.
// One row at a time, so the head streams as one sequential read per core
// (measured: about 1.7x the rate of four interleaved rows); four
// accumulators over 256-byte steps keep the vpdpbusd chain short.
void i8_gemv(const int8_t* a, size_t lda, int cols, const int8_t* q, int r0, int r1, int32_t* out) {
  const int32_t bias = 128 * sum_i8(q, cols);
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  const int full = cols & ~255;
  for (int r = r0; r < r1; ++r) {
    const int8_t* row = a + static_cast<size_t>(r) * lda;
    __m512i acc0 = _mm512_setzero_si512(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    for (int c = 0; c < full; c += 256) {
      for (int p = 0; p < 256; p += 64) _mm_prefetch(reinterpret_cast<const char*>(row + c + kPrefetch + p), _MM_HINT_T0);
      acc0 = _mm512_dpbusd_epi32(acc0, _mm512_xor_si512(_mm512_loadu_si512(row + c), flip), _mm512_loadu_si512(q + c));
      acc1 = _mm512_dpbusd_epi32(acc1, _mm512_xor_si512(_mm512_loadu_si512(row + c + 64), flip),
                                 _mm512_loadu_si512(q + c + 64));
      acc2 = _mm512_dpbusd_epi32(acc2, _mm512_xor_si512(_mm512_loadu_si512(row + c + 128), flip),
                                 _mm512_loadu_si512(q + c + 128));
      acc3 = _mm512_dpbusd_epi32(acc3, _mm512_xor_si512(_mm512_loadu_si512(row + c + 192), flip),
                                 _mm512_loadu_si512(q + c + 192));
    }
    for (int c = full; c < cols; c += 64) {
      const __mmask64 m = tail_mask64(cols - c);
      acc0 = _mm512_dpbusd_epi32(acc0, _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, row + c), flip),
                                 _mm512_maskz_loadu_epi8(m, q + c));
    }
    const __m512i acc = _mm512_add_epi32(_mm512_add_epi32(acc0, acc1), _mm512_add_epi32(acc2, acc3));
    out[r] = _mm512_reduce_add_epi32(acc) - bias;
  }
}

// The 4-bit head's screen (layout in kernels.h): codes as u8 against q,
// sum code*q - 8 * sum q. One row at a time, so the head streams as one
// sequential read per core; two blocks a step into four accumulators keep
// the vpdpbusd chains short. A ragged last block meets a zero-padded copy of
// q, so its padding codes add nothing.
void q4_gemv(const uint8_t* a, size_t lda, int cols, const int8_t* q, int r0, int r1, int32_t* out) {
  const int32_t bias = 8 * sum_i8(q, cols);
  const int blocks = cols / kQ4Block, tail = cols % kQ4Block;
  alignas(64) int8_t q_tail[kQ4Block] = {0};
  std::memcpy(q_tail, q + blocks * kQ4Block, tail);
  const __m512i low = _mm512_set1_epi8(0x0f);
  auto block = [&](__m512i& lo_acc, __m512i& hi_acc, const uint8_t* w, const int8_t* qb) {
    const __m512i v = _mm512_loadu_si512(w);
    lo_acc = _mm512_dpbusd_epi32(lo_acc, _mm512_and_si512(v, low), _mm512_loadu_si512(qb));
    hi_acc = _mm512_dpbusd_epi32(hi_acc, _mm512_and_si512(_mm512_srli_epi16(v, 4), low), _mm512_loadu_si512(qb + 64));
  };
  for (int r = r0; r < r1; ++r) {
    const uint8_t* row = a + static_cast<size_t>(r) * lda;
    __m512i acc0 = _mm512_setzero_si512(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    int b = 0;
    for (; b + 2 <= blocks; b += 2) {
      const uint8_t* w = row + 64 * static_cast<size_t>(b);
      _mm_prefetch(reinterpret_cast<const char*>(w + kPrefetch), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(w + kPrefetch + 64), _MM_HINT_T0);
      block(acc0, acc1, w, q + kQ4Block * b);
      block(acc2, acc3, w + 64, q + kQ4Block * (b + 1));
    }
    if (b < blocks) block(acc0, acc1, row + 64 * static_cast<size_t>(b), q + kQ4Block * b);
    if (tail) block(acc2, acc3, row + 64 * static_cast<size_t>(blocks), q_tail);
    const __m512i acc = _mm512_add_epi32(_mm512_add_epi32(acc0, acc1), _mm512_add_epi32(acc2, acc3));
    out[r] = _mm512_reduce_add_epi32(acc) - bias;
  }
}

// 16 lanes as two 256-bit halves (lanes 0-7, 8-15), converted with 256-bit
// vcvtph2ps: on Zen 4 the 512-bit form is slow. Same fmaf per lane.
struct Acc16 {
  __m256 lo, hi;
};
inline void fma16(Acc16& a, const uint16_t* row, const float* x) {
  a.lo = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row))), _mm256_loadu_ps(x), a.lo);
  a.hi = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 8))),
                         _mm256_loadu_ps(x + 8), a.hi);
}
// The ragged tail: masked lanes keep their accumulator.
inline void fma16_tail(Acc16& a, const uint16_t* row, const float* x, __mmask16 m) {
  const __mmask8 ml = static_cast<__mmask8>(m), mh = static_cast<__mmask8>(m >> 8);
  a.lo = _mm256_mask3_fmadd_ps(_mm256_cvtph_ps(_mm_maskz_loadu_epi16(ml, row)), _mm256_maskz_loadu_ps(ml, x), a.lo, ml);
  a.hi = _mm256_mask3_fmadd_ps(_mm256_cvtph_ps(_mm_maskz_loadu_epi16(mh, row + 8)), _mm256_maskz_loadu_ps(mh, x + 8),
                               a.hi, mh);
}
// The canonical reduction of kernels.h: lanes l + 8, then l + 4, l + 2, l + 1.
inline float reduce16(const Acc16& a) {
  __m256 s8 = _mm256_add_ps(a.lo, a.hi);
  __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
  __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
  return _mm_cvtss_f32(_mm_add_ss(s2, _mm_shuffle_ps(s2, s2, 1)));
}

void f16_gemv(const uint16_t* a, size_t lda, int cols, const float* x, int r0, int r1, float* out) {
  const int full = cols & ~15;
  const __mmask16 tm = static_cast<__mmask16>((1u << (cols - full)) - 1);
  int r = r0;
  // Short rows (attention, 128 columns): four rows at once for more fma
  // chains in flight. Long rows (the F16 head) stream from memory: one row
  // at a time is one sequential read, measured 1.6x faster there.
  for (; cols < 1024 && r + 4 <= r1; r += 4) {
    const uint16_t* row = a + static_cast<size_t>(r) * lda;
    Acc16 acc[4];
    for (int i = 0; i < 4; ++i) acc[i] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
    for (int c = 0; c < full; c += 16) {
#pragma GCC unroll 4
      for (int i = 0; i < 4; ++i) fma16(acc[i], row + i * lda + c, x + c);
    }
    if (tm) {
      for (int i = 0; i < 4; ++i) fma16_tail(acc[i], row + i * lda + full, x + full, tm);
    }
    for (int i = 0; i < 4; ++i) out[r + i] = reduce16(acc[i]);
  }
  for (; r < r1; ++r) {
    const uint16_t* row = a + static_cast<size_t>(r) * lda;
    Acc16 acc = {_mm256_setzero_ps(), _mm256_setzero_ps()};
    for (int c = 0; c < full; c += 16) fma16(acc, row + c, x + c);
    if (tm) fma16_tail(acc, row + full, x + full, tm);
    out[r] = reduce16(acc);
  }
}

// Rows one at a time against NX vectors: the row's two 8-lane halves are
// widened once and feed 2 * NX independent fma chains. (Two rows at a time
// measured slower: the loads, not the fmas, bound this loop.) `lanes` and `out`:
// see kernels/gemv_rows_table.h.
template <int NX>
void gemv_rows(const uint16_t* a, size_t lda, int cols, const float* x, size_t ldx, int r0, int r1, float* lanes,
               float* out, size_t ldo) {
  const int full = cols & ~15;
  const __mmask16 tm = static_cast<__mmask16>((1u << (cols - full)) - 1);
  const __mmask8 ml = static_cast<__mmask8>(tm), mh = static_cast<__mmask8>(tm >> 8);
  for (int r = r0; r < r1; ++r) {
    const uint16_t* row = a + static_cast<size_t>(r) * lda;
    Acc16 acc[NX];
#pragma GCC unroll 4
    for (int j = 0; j < NX; ++j) {
      if (lanes) {
        const float* l = lanes + (static_cast<size_t>(j) * r1 + r) * 16;
        acc[j] = {_mm256_loadu_ps(l), _mm256_loadu_ps(l + 8)};
      } else {
        acc[j] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
      }
    }
    for (int c = 0; c < full; c += 16) {
      const __m256 lo = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + c)));
      const __m256 hi = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + c + 8)));
#pragma GCC unroll 4
      for (int j = 0; j < NX; ++j) {
        const float* xj = x + j * ldx + c;
        acc[j].lo = _mm256_fmadd_ps(lo, _mm256_loadu_ps(xj), acc[j].lo);
        acc[j].hi = _mm256_fmadd_ps(hi, _mm256_loadu_ps(xj + 8), acc[j].hi);
      }
    }
    if (tm) {
      const __m256 lo = _mm256_cvtph_ps(_mm_maskz_loadu_epi16(ml, row + full));
      const __m256 hi = _mm256_cvtph_ps(_mm_maskz_loadu_epi16(mh, row + full + 8));
#pragma GCC unroll 4
      for (int j = 0; j < NX; ++j) {
        const float* xj = x + j * ldx + full;
        acc[j].lo = _mm256_mask3_fmadd_ps(lo, _mm256_maskz_loadu_ps(ml, xj), acc[j].lo, ml);
        acc[j].hi = _mm256_mask3_fmadd_ps(hi, _mm256_maskz_loadu_ps(mh, xj + 8), acc[j].hi, mh);
      }
    }
#pragma GCC unroll 4
    for (int j = 0; j < NX; ++j) {
      if (!out) {
        float* l = lanes + (static_cast<size_t>(j) * r1 + r) * 16;
        _mm256_storeu_ps(l, acc[j].lo);
        _mm256_storeu_ps(l + 8, acc[j].hi);
      } else {
        out[j * ldo + r] = reduce16(acc[j]);
      }
    }
  }
}

constexpr GemvRowsFns gemv_rows_fns = {&gemv_rows<1>, &gemv_rows<2>, &gemv_rows<3>, &gemv_rows<4>};

}  // namespace

const KernelTable& avx512_vnni_kernels() {
  static const KernelTable table = {"avx512-vnni", quantize_row_i8, ternary_gemm, i8_gemv, f16_gemv,
                                    f16_gemv_many_by_rows<gemv_rows_fns, f16_gemv>,
                                    f16_gemv_lanes_by_rows<gemv_rows_fns>, q4_gemv};
  return table;
}

}  // namespace bitnet
