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

// One 8-row half of a row group against nt tokens (fns[nt - 1] below):
// (half-tiles, tiles, q, q stride, token sums, dot, ld, rows to store).
using GemmHalfFn = void (*)(const uint8_t*, int, const int8_t*, size_t, const int32_t*, int32_t*, int, int);
constexpr int kTokenBlock = 8;

// Prefill (n_tok > 1) with cache blocking: a chunk of row groups (about 192
// KiB of weights, kept in L2) meets every block of kTokenBlock tokens before
// the next chunk is touched. fns[nt - 1] takes a block of nt tokens.
inline void blocked_gemm(const GemmHalfFn* fns, const TernaryMatrix& w, const int8_t* q, const int32_t* q_sum,
                         int n_tok, int r0, int r1, int32_t* dot, int ld) {
  const int cols = w.cols, tiles = cols / 16;
  const size_t group_bytes = static_cast<size_t>(4) * cols;
  const int chunk_groups = static_cast<int>(std::max<size_t>(1, (192u << 10) / group_bytes));
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

}  // namespace
}  // namespace bitnet
