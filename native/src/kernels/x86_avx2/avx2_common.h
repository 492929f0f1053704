#pragma once
// What the AVX2 table and the AVX-VNNI table (x86_avxvnni/) share: small
// 256-bit helpers and the cache blocking of prefill. The two differ only in
// how they multiply codes by activations. Include only from files compiled
// with AVX2 flags. Everything here has internal linkage, so each table's
// file keeps its own copy, compiled with its own flags (a shared inline
// copy could be the one built with AVX-VNNI, on a CPU without it).

#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/kernels.h"

namespace bitnet {
namespace {

inline __m256i bcast4(const int8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm256_set1_epi32(v);
}

inline int32_t hsum_epi32(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm_cvtsi128_si32(s);
}

inline void store_rows(int32_t* dst, __m256i v, int n_rows) {
  if (n_rows >= 8) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst), v);
  } else if (n_rows > 0) {
    alignas(32) int32_t tmp[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(tmp), v);
    std::memcpy(dst, tmp, sizeof(int32_t) * n_rows);
  }
}

// One 8-row half of a row group against nt tokens (GemmHalves<Dot>::fns[nt - 1]):
// (half-tiles, tiles, q, q stride, token sums, dot, ld, rows to store).
using GemmHalfFn = void (*)(const uint8_t*, int, const int8_t*, size_t, const int32_t*, int32_t*, int, int);
constexpr int kTokenBlock = 8;

// One 8-row half of a row group against NT tokens: each half-tile is
// unpacked to its four 2-bit planes of codes once and met by all NT tokens.
// Dot::add(acc, c, qt) returns acc plus, per row, sum over planes s of the
// codes c[s] times the four activations qt[4s..4s+3]: the one step in which
// the AVX2 and AVX-VNNI tables differ.
template <class Dot, int NT>
void gemm_half(const uint8_t* w, int tiles, const int8_t* q, size_t q_stride, const int32_t* qsums, int32_t* dot,
               int ld, int n_rows) {
  __m256i acc[NT];
  for (int t = 0; t < NT; ++t) acc[t] = _mm256_setzero_si256();
  const __m256i m3 = _mm256_set1_epi8(3);
  for (int k = 0; k < tiles; ++k) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 64 * static_cast<size_t>(k)));
    const __m256i c[4] = {_mm256_and_si256(v, m3), _mm256_and_si256(_mm256_srli_epi16(v, 2), m3),
                          _mm256_and_si256(_mm256_srli_epi16(v, 4), m3), _mm256_and_si256(_mm256_srli_epi16(v, 6), m3)};
    const int8_t* qk = q + 16 * k;
#pragma GCC unroll 8
    for (int t = 0; t < NT; ++t) acc[t] = Dot::add(acc[t], c, qk + t * q_stride);
  }
  for (int t = 0; t < NT; ++t)
    store_rows(dot + static_cast<size_t>(t) * ld, _mm256_sub_epi32(acc[t], _mm256_set1_epi32(qsums[t])), n_rows);
}

template <class Dot>
struct GemmHalves {
  static constexpr GemmHalfFn fns[kTokenBlock] = {gemm_half<Dot, 1>, gemm_half<Dot, 2>, gemm_half<Dot, 3>,
                                                  gemm_half<Dot, 4>, gemm_half<Dot, 5>, gemm_half<Dot, 6>,
                                                  gemm_half<Dot, 7>, gemm_half<Dot, 8>};
};

// Prefill (n_tok > 1) with cache blocking: a chunk of row groups (about 192
// KiB of weights, kept in L2) meets every block of kTokenBlock tokens before
// the next chunk is touched.
template <class Dot>
void blocked_gemm(const TernaryMatrix& w, const int8_t* q, const int32_t* q_sum,
                         int n_tok, int r0, int r1, int32_t* dot, int ld) {
  const int cols = w.cols, tiles = cols / 16;
  const size_t group_bytes = static_cast<size_t>(4) * cols;
  const int chunk_groups = static_cast<int>(std::max<size_t>(1, (192u << 10) / group_bytes));
  const GemmHalfFn* fns = GemmHalves<Dot>::fns;
  for (int c0 = r0; c0 < r1; c0 += chunk_groups * 16) {
    const int c1 = std::min(r1, c0 + chunk_groups * 16);
    for (int t0 = 0; t0 < n_tok; t0 += kTokenBlock) {
      const int nt = std::min(kTokenBlock, n_tok - t0);
      const int8_t* qt = q + static_cast<size_t>(t0) * cols;
      for (int r = c0; r < c1; r += 16) {
        const uint8_t* g = w.packed + (r / 16) * group_bytes;
        int32_t* d = dot + static_cast<size_t>(t0) * ld + r;
        fns[nt - 1](g, tiles, qt, cols, q_sum + t0, d, ld, std::min(8, c1 - r));
        if (c1 - r > 8) fns[nt - 1](g + 32, tiles, qt, cols, q_sum + t0, d + 8, ld, std::min(8, c1 - r - 8));
      }
    }
  }
}

// The 4-bit head's screen (layout in kernels.h) on 256-bit vectors: a
// 64-byte block is two 32-byte halves; half h's low nibbles are columns
// 32h..32h+31 of the block, its high nibbles columns 64+32h..64+32h+31.
// Dot::block(acc, c, qb) returns acc plus, per int32 lane, the products of
// the four runs of 32 u8 codes c[0..3] with the activations qb, qb + 64,
// qb + 32, qb + 96 (the one step in which AVX2 and AVX-VNNI differ); the
// result is sum code*q - 8 * sum q. A ragged last block meets a zero-padded
// copy of q, so its padding codes add nothing.
template <class Dot>
void q4_gemv_with(const uint8_t* a, size_t lda, int cols, const int8_t* q, int r0, int r1, int32_t* out) {
  int32_t q_total = 0;
  for (int c = 0; c < cols; ++c) q_total += q[c];
  const int32_t bias = 8 * q_total;
  const int blocks = cols / kQ4Block, tail = cols % kQ4Block;
  alignas(32) int8_t q_tail[kQ4Block] = {0};
  std::memcpy(q_tail, q + blocks * kQ4Block, tail);
  const __m256i low = _mm256_set1_epi8(0x0f);
  auto block = [&](__m256i acc, const uint8_t* w, const int8_t* qb) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w));
    const __m256i u = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 32));
    const __m256i c[4] = {_mm256_and_si256(v, low), _mm256_and_si256(_mm256_srli_epi16(v, 4), low),
                          _mm256_and_si256(u, low), _mm256_and_si256(_mm256_srli_epi16(u, 4), low)};
    return Dot::block(acc, c, qb);
  };
  for (int r = r0; r < r1; ++r) {
    const uint8_t* row = a + static_cast<size_t>(r) * lda;
    __m256i acc0 = _mm256_setzero_si256(), acc1 = acc0;
    int b = 0;
    for (; b + 2 <= blocks; b += 2) {
      const uint8_t* w = row + 64 * static_cast<size_t>(b);
      _mm_prefetch(reinterpret_cast<const char*>(w + 1024), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(w + 1024 + 64), _MM_HINT_T0);
      acc0 = block(acc0, w, q + kQ4Block * b);
      acc1 = block(acc1, w + 64, q + kQ4Block * (b + 1));
    }
    if (b < blocks) acc0 = block(acc0, row + 64 * static_cast<size_t>(b), q + kQ4Block * b);
    if (tail) acc1 = block(acc1, row + 64 * static_cast<size_t>(blocks), q_tail);
    out[r] = hsum_epi32(_mm256_add_epi32(acc0, acc1)) - bias;
  }
}

}  // namespace
}  // namespace bitnet
