// AVX-VNNI kernels: the AVX2 table with its integer products on the 256-bit
// (VEX) vpdpbusd that Intel client cores have without AVX-512 (Alder Lake
// and later). Compiled with these flags only in this folder; dispatch.cc
// calls in here only when the CPU has them.
//
// vpdpbusd multiplies u8 codes by s8 activations and adds each group of four
// products to an int32 lane, with no int16 step: one instruction for what
// the AVX2 table does with vpmaddubsw + vpaddw + vpmaddwd. A 64-byte tile of
// the runtime layout (kernels.h) is two 32-byte halves of 8 rows each.
// With codes in {0, 1, 2}, sum code*q - sum q = sum t*q exactly.

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include "kernels/isa_tables.h"
#include "kernels/x86_avx2/avx2_common.h"

namespace bitnet {
namespace {

inline __m256i dpbusd(__m256i acc, __m256i u8, __m256i s8) { return _mm256_dpbusd_avx_epi32(acc, u8, s8); }

// Weights stream through decode once per token; asking for them 1 KiB ahead
// keeps more misses in flight (as in the AVX-512 table).
constexpr int kPrefetch = 1024;

// Decode: one group of 16 rows (two halves) against one activation row.
// Masking with 0x03 << 2s leaves code * 4^s, so the loop needs no shifts:
// accumulator s collects 4^s * sum code*q, scaled back at the end (exact:
// every term is a multiple of 4^s; |sum| < 2^31 for cols <= 65536).
inline void gemv_group(const uint8_t* w, int tiles, const int8_t* q, __m256i* lo, __m256i* hi) {
  __m256i a[4], b[4];
  for (int s = 0; s < 4; ++s) a[s] = b[s] = _mm256_setzero_si256();
  const __m256i m[4] = {_mm256_set1_epi8(0x03), _mm256_set1_epi8(0x0c), _mm256_set1_epi8(0x30),
                        _mm256_set1_epi8(static_cast<char>(0xc0))};
  for (int k = 0; k < tiles; ++k) {
    const uint8_t* t = w + 64 * static_cast<size_t>(k);
    _mm_prefetch(reinterpret_cast<const char*>(t + kPrefetch), _MM_HINT_T0);
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t));
    const __m256i u = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t + 32));
    const int8_t* qk = q + 16 * k;
#pragma GCC unroll 4
    for (int s = 0; s < 4; ++s) {
      const __m256i x = bcast4(qk + 4 * s);
      a[s] = dpbusd(a[s], _mm256_and_si256(v, m[s]), x);
      b[s] = dpbusd(b[s], _mm256_and_si256(u, m[s]), x);
    }
  }
  *lo = _mm256_add_epi32(_mm256_add_epi32(a[0], _mm256_srai_epi32(a[1], 2)),
                         _mm256_add_epi32(_mm256_srai_epi32(a[2], 4), _mm256_srai_epi32(a[3], 6)));
  *hi = _mm256_add_epi32(_mm256_add_epi32(b[0], _mm256_srai_epi32(b[1], 2)),
                         _mm256_add_epi32(_mm256_srai_epi32(b[2], 4), _mm256_srai_epi32(b[3], 6)));
}

void gemv(const TernaryMatrix& w, const int8_t* q, int32_t q_sum, int r0, int r1, int32_t* dot) {
  const int tiles = w.cols / 16;
  const size_t group_bytes = static_cast<size_t>(4) * w.cols;
  const __m256i qsum = _mm256_set1_epi32(q_sum);
  for (int r = r0; r < r1; r += 16) {
    __m256i lo, hi;
    gemv_group(w.packed + (r / 16) * group_bytes, tiles, q, &lo, &hi);
    store_rows(dot + r, _mm256_sub_epi32(lo, qsum), r1 - r);
    store_rows(dot + r + 8, _mm256_sub_epi32(hi, qsum), r1 - r - 8);
  }
}

// Four vpdpbusd straight into the int32 lanes.
struct VnniDot {
  static __m256i add(__m256i acc, const __m256i* c, const int8_t* qt) {
    acc = dpbusd(acc, c[0], bcast4(qt));
    acc = dpbusd(acc, c[1], bcast4(qt + 4));
    acc = dpbusd(acc, c[2], bcast4(qt + 8));
    return dpbusd(acc, c[3], bcast4(qt + 12));
  }
};

void ternary_gemm(const TernaryMatrix& w, const int8_t* q, const int32_t* q_sum, int n_tok, int r0, int r1,
                  int32_t* dot, int ld) {
  if (n_tok == 1) gemv(w, q, q_sum[0], r0, r1, dot);
  else blocked_gemm<VnniDot>(w, q, q_sum, n_tok, r0, r1, dot, ld);
}

// out[r] = sum a*q with a as u8 (a + 128): sum (a+128)*q - 128 * sum q.
// One row at a time, so the head streams as one sequential read per core.
void i8_gemv(const int8_t* a, size_t lda, int cols, const int8_t* q, int r0, int r1, int32_t* out) {
  const int full = cols & ~127, full32 = cols & ~31;
  // The bias covers the columns the vector loop flips; the tail is plain.
  int32_t q_total = 0;
  for (int c = 0; c < full32; ++c) q_total += q[c];
  const int32_t bias = 128 * q_total;
  const __m256i flip = _mm256_set1_epi8(static_cast<char>(0x80));
  for (int r = r0; r < r1; ++r) {
    const int8_t* row = a + static_cast<size_t>(r) * lda;
    __m256i acc0 = _mm256_setzero_si256(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    auto load = [](const int8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); };
    for (int c = 0; c < full; c += 128) {
      _mm_prefetch(reinterpret_cast<const char*>(row + c + kPrefetch), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(row + c + kPrefetch + 64), _MM_HINT_T0);
      acc0 = dpbusd(acc0, _mm256_xor_si256(load(row + c), flip), load(q + c));
      acc1 = dpbusd(acc1, _mm256_xor_si256(load(row + c + 32), flip), load(q + c + 32));
      acc2 = dpbusd(acc2, _mm256_xor_si256(load(row + c + 64), flip), load(q + c + 64));
      acc3 = dpbusd(acc3, _mm256_xor_si256(load(row + c + 96), flip), load(q + c + 96));
    }
    for (int c = full; c < full32; c += 32) acc0 = dpbusd(acc0, _mm256_xor_si256(load(row + c), flip), load(q + c));
    int32_t s = hsum_epi32(_mm256_add_epi32(_mm256_add_epi32(acc0, acc1), _mm256_add_epi32(acc2, acc3))) - bias;
    for (int c = full32; c < cols; ++c) s += row[c] * q[c];
    out[r] = s;
  }
}

// The 4-bit head's codes straight into int32 lanes.
struct Q4VnniDot {
  static __m256i block(__m256i acc, const __m256i* c, const int8_t* qb) {
    auto load = [](const int8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); };
    acc = dpbusd(acc, c[0], load(qb));
    acc = dpbusd(acc, c[1], load(qb + 64));
    acc = dpbusd(acc, c[2], load(qb + 32));
    return dpbusd(acc, c[3], load(qb + 96));
  }
};

}  // namespace

const KernelTable& avx_vnni_kernels() {
  static const KernelTable table = [] {
    KernelTable t = avx2_kernels();
    t.name = "avx-vnni";
    t.ternary_gemm = ternary_gemm;
    t.i8_gemv = i8_gemv;
    t.q4_gemv = q4_gemv_with<Q4VnniDot>;
    return t;
  }();
  return table;
}

}  // namespace bitnet
