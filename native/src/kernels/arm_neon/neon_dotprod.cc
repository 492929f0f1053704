// NEON + dot-product (ARMv8.2 SDOT) kernels. Compiled with
// -march=armv8.2-a+dotprod+fp16 only in this folder; dispatch.cc calls in
// here only when the CPU reports dotprod.
//
// Ternary products: a 64-byte tile is four 16-byte quarters of 4 rows each;
// each 32-bit lane is one row and four columns. vdotq_laneq_s32 multiplies
// the codes {0, 1, 2} by one 4-byte group of the 16 activations of the tile
// (lane s = columns 4s..4s+3) and accumulates int32 per row, so there are no
// broadcasts and no horizontal sums. sum code*q - sum q = sum t*q exactly.

#include <arm_neon.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/gemv_rows_table.h"
#include "kernels/isa_tables.h"

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
  float32x4_t mx = vdupq_n_f32(0.0f);
  int c = 0;
  for (; c + 4 <= n; c += 4) mx = vmaxq_f32(mx, vabsq_f32(vld1q_f32(x + c)));
  float m = vmaxvq_f32(mx);
  for (; c < n; ++c) m = std::max(m, std::fabs(x[c]));
  // The max of |x| is exact in f32, so widening it equals the reference's double max (docs/exactness.md).
  double max = static_cast<double>(m);
  if (!(max > 1e-5)) max = 1e-5;
  const float s = static_cast<float>(127.0 / max);
  const float32x4_t lo = vdupq_n_f32(-128.0f), hi = vdupq_n_f32(127.0f);
  int32x4_t sum = vdupq_n_s32(0);
  // Clamp then round half to even (the bounds are integers, so this equals
  // round then clamp). maxnm/minnm pick the number over a NaN: NaN -> -128,
  // as in the scalar reference.
  for (c = 0; c + 16 <= n; c += 16) {
    int32x4_t i[4];
    for (int j = 0; j < 4; ++j) {
      float32x4_t p = vmulq_n_f32(vld1q_f32(x + c + 4 * j), s);
      p = vminnmq_f32(vmaxnmq_f32(p, lo), hi);
      i[j] = vcvtnq_s32_f32(p);
      sum = vaddq_s32(sum, i[j]);
    }
    int16x8_t a = vcombine_s16(vqmovn_s32(i[0]), vqmovn_s32(i[1]));
    int16x8_t b = vcombine_s16(vqmovn_s32(i[2]), vqmovn_s32(i[3]));
    vst1q_s8(q + c, vcombine_s8(vqmovn_s16(a), vqmovn_s16(b)));
  }
  int32_t total = vaddvq_s32(sum);
  for (; c < n; ++c) {
    int v = quantize_one(x[c], s);
    q[c] = static_cast<int8_t>(v);
    total += v;
  }
  *q_sum = total;
  return s;
}

inline void store_rows(int32_t* dst, int32x4_t v, int n_rows) {
  if (n_rows >= 4) {
    vst1q_s32(dst, v);
  } else if (n_rows > 0) {
    int32_t tmp[4];
    vst1q_s32(tmp, v);
    std::memcpy(dst, tmp, sizeof(int32_t) * n_rows);
  }
}

// Codes of one 4-row quarter-tile, column group s in vector s.
struct Codes {
  int8x16_t c0, c1, c2, c3;
};
inline Codes unpack(const uint8_t* p) {
  const uint8x16_t v = vld1q_u8(p), m = vdupq_n_u8(3);
  return {vreinterpretq_s8_u8(vandq_u8(v, m)), vreinterpretq_s8_u8(vandq_u8(vshrq_n_u8(v, 2), m)),
          vreinterpretq_s8_u8(vandq_u8(vshrq_n_u8(v, 4), m)), vreinterpretq_s8_u8(vshrq_n_u8(v, 6))};
}
inline int32x4_t dot_tile(int32x4_t acc, const Codes& c, int8x16_t qv) {
  acc = vdotq_laneq_s32(acc, c.c0, qv, 0);
  acc = vdotq_laneq_s32(acc, c.c1, qv, 1);
  acc = vdotq_laneq_s32(acc, c.c2, qv, 2);
  return vdotq_laneq_s32(acc, c.c3, qv, 3);
}

// Two accumulators per quarter (column groups 0-1 and 2-3) halve the chain
// of dependent sdot instructions per tile.
void gemv(const TernaryMatrix& w, const int8_t* q, int32_t q_sum, int r0, int r1, int32_t* dot) {
  const int cols = w.cols, tiles = cols / 16;
  const size_t group_bytes = static_cast<size_t>(4) * cols;
  const int32x4_t qsum = vdupq_n_s32(q_sum);
  for (int r = r0; r < r1; r += 16) {
    const uint8_t* g = w.packed + (r / 16) * group_bytes;
    int32x4_t a[4], b[4];
    for (int j = 0; j < 4; ++j) a[j] = b[j] = vdupq_n_s32(0);
    for (int k = 0; k < tiles; ++k) {
      const int8x16_t qv = vld1q_s8(q + 16 * k);
      const uint8_t* t = g + 64 * static_cast<size_t>(k);
#pragma GCC unroll 4
      for (int j = 0; j < 4; ++j) {
        const Codes c = unpack(t + 16 * j);
        a[j] = vdotq_laneq_s32(a[j], c.c0, qv, 0);
        b[j] = vdotq_laneq_s32(b[j], c.c2, qv, 2);
        a[j] = vdotq_laneq_s32(a[j], c.c1, qv, 1);
        b[j] = vdotq_laneq_s32(b[j], c.c3, qv, 3);
      }
    }
    for (int j = 0; j < 4; ++j) store_rows(dot + r + 4 * j, vsubq_s32(vaddq_s32(a[j], b[j]), qsum), r1 - r - 4 * j);
  }
}

// Prefill: one 4-row quarter of a group against NT tokens; each quarter-tile
// is unpacked once and used for all NT tokens.
template <int NT>
void gemm_quarter(const uint8_t* w, int tiles, const int8_t* q, size_t q_stride, const int32_t* qsums,
                  int32_t* dot, int ld, int n_rows) {
  int32x4_t acc[NT];
  for (int t = 0; t < NT; ++t) acc[t] = vdupq_n_s32(0);
  for (int k = 0; k < tiles; ++k) {
    const Codes c = unpack(w + 64 * static_cast<size_t>(k));
    const int8_t* qk = q + 16 * k;
#pragma GCC unroll 8
    for (int t = 0; t < NT; ++t) acc[t] = dot_tile(acc[t], c, vld1q_s8(qk + t * q_stride));
  }
  for (int t = 0; t < NT; ++t) store_rows(dot + static_cast<size_t>(t) * ld, vsubq_s32(acc[t], vdupq_n_s32(qsums[t])), n_rows);
}

using GemmQuarterFn = void (*)(const uint8_t*, int, const int8_t*, size_t, const int32_t*, int32_t*, int, int);
constexpr int kTokenBlock = 8;
const GemmQuarterFn gemm_fns[kTokenBlock] = {gemm_quarter<1>, gemm_quarter<2>, gemm_quarter<3>, gemm_quarter<4>,
                                             gemm_quarter<5>, gemm_quarter<6>, gemm_quarter<7>, gemm_quarter<8>};

void ternary_gemm(const TernaryMatrix& w, const int8_t* q, const int32_t* q_sum, int n_tok, int r0, int r1,
                  int32_t* dot, int ld) {
  if (n_tok == 1) {
    gemv(w, q, q_sum[0], r0, r1, dot);
    return;
  }
  const int cols = w.cols, tiles = cols / 16;
  const size_t group_bytes = static_cast<size_t>(4) * cols;
  // Cache blocking: a chunk of row groups (about 192 KiB of weights) meets
  // every block of tokens before the next chunk is touched.
  const int chunk_groups = static_cast<int>(std::max<size_t>(1, (192u << 10) / group_bytes));
  for (int c0 = r0; c0 < r1; c0 += chunk_groups * 16) {
    const int c1 = std::min(r1, c0 + chunk_groups * 16);
    for (int t0 = 0; t0 < n_tok; t0 += kTokenBlock) {
      const int nt = std::min(kTokenBlock, n_tok - t0);
      const int8_t* qt = q + static_cast<size_t>(t0) * cols;
      const int32_t* qsums = q_sum + t0;
      for (int r = c0; r < c1; r += 16) {
        const uint8_t* g = w.packed + (r / 16) * group_bytes;
        int32_t* d = dot + static_cast<size_t>(t0) * ld + r;
        for (int j = 0; j < 4 && r + 4 * j < c1; ++j)
          gemm_fns[nt - 1](g + 16 * j, tiles, qt, cols, qsums, d + 4 * j, ld, std::min(4, c1 - r - 4 * j));
      }
    }
  }
}

// One row at a time, so the head streams as one sequential read per core
// (measured on AVX-512: about 1.7x the rate of four interleaved rows); four
// accumulators over 64-byte steps keep the sdot chains short.
void i8_gemv(const int8_t* a, size_t lda, int cols, const int8_t* q, int r0, int r1, int32_t* out) {
  const int full = cols & ~63, full16 = cols & ~15;
  for (int r = r0; r < r1; ++r) {
    const int8_t* row = a + static_cast<size_t>(r) * lda;
    int32x4_t a0 = vdupq_n_s32(0), a1 = a0, a2 = a0, a3 = a0;
    for (int c = 0; c < full; c += 64) {
      a0 = vdotq_s32(a0, vld1q_s8(row + c), vld1q_s8(q + c));
      a1 = vdotq_s32(a1, vld1q_s8(row + c + 16), vld1q_s8(q + c + 16));
      a2 = vdotq_s32(a2, vld1q_s8(row + c + 32), vld1q_s8(q + c + 32));
      a3 = vdotq_s32(a3, vld1q_s8(row + c + 48), vld1q_s8(q + c + 48));
    }
    for (int c = full; c < full16; c += 16) a0 = vdotq_s32(a0, vld1q_s8(row + c), vld1q_s8(q + c));
    int32_t s = vaddvq_s32(vaddq_s32(vaddq_s32(a0, a1), vaddq_s32(a2, a3)));
    for (int c = full16; c < cols; ++c) s += row[c] * q[c];
    out[r] = s;
  }
}

// The 4-bit head's screen (layout in kernels.h): each 16-byte quarter of a
// block gives 16 codes of columns 16i.. (low nibbles) and 64 + 16i..
// (high nibbles); less 8 they are the signed weights, so sdot needs no bias.
// A ragged last block meets a zero-padded copy of q, so its padding adds nothing.
void q4_gemv(const uint8_t* a, size_t lda, int cols, const int8_t* q, int r0, int r1, int32_t* out) {
  const int blocks = cols / kQ4Block, tail = cols % kQ4Block;
  int8_t q_tail[kQ4Block] = {0};
  std::memcpy(q_tail, q + blocks * kQ4Block, tail);
  const uint8x16_t low = vdupq_n_u8(0x0f);
  const int8x16_t eight = vdupq_n_s8(8);
  auto block = [&](int32x4_t* acc, const uint8_t* w, const int8_t* qb) {
    for (int i = 0; i < 4; ++i) {
      const uint8x16_t v = vld1q_u8(w + 16 * i);
      const int8x16_t lo = vsubq_s8(vreinterpretq_s8_u8(vandq_u8(v, low)), eight);
      const int8x16_t hi = vsubq_s8(vreinterpretq_s8_u8(vshrq_n_u8(v, 4)), eight);
      acc[i] = vdotq_s32(acc[i], lo, vld1q_s8(qb + 16 * i));
      acc[i] = vdotq_s32(acc[i], hi, vld1q_s8(qb + 64 + 16 * i));
    }
  };
  for (int r = r0; r < r1; ++r) {
    const uint8_t* row = a + static_cast<size_t>(r) * lda;
    int32x4_t acc[4] = {vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0)};
    for (int b = 0; b < blocks; ++b) block(acc, row + 64 * static_cast<size_t>(b), q + kQ4Block * b);
    if (tail) block(acc, row + 64 * static_cast<size_t>(blocks), q_tail);
    out[r] = vaddvq_s32(vaddq_s32(vaddq_s32(acc[0], acc[1]), vaddq_s32(acc[2], acc[3])));
  }
}

// Sixteen f32 lanes as four vectors: lanes 0-3, 4-7, 8-11, 12-15.
struct Acc16 {
  float32x4_t v[4];
};
inline void fma16(Acc16& acc, const uint16_t* a, const float* x) {
  const float16x8_t h0 = vreinterpretq_f16_u16(vld1q_u16(a)), h1 = vreinterpretq_f16_u16(vld1q_u16(a + 8));
  acc.v[0] = vfmaq_f32(acc.v[0], vcvt_f32_f16(vget_low_f16(h0)), vld1q_f32(x));
  acc.v[1] = vfmaq_f32(acc.v[1], vcvt_high_f32_f16(h0), vld1q_f32(x + 4));
  acc.v[2] = vfmaq_f32(acc.v[2], vcvt_f32_f16(vget_low_f16(h1)), vld1q_f32(x + 8));
  acc.v[3] = vfmaq_f32(acc.v[3], vcvt_high_f32_f16(h1), vld1q_f32(x + 12));
}
// The canonical reduction of kernels.h: lanes l + 8, then l + 4, l + 2, l + 1.
inline float reduce16(const Acc16& acc) {
  float32x4_t s8a = vaddq_f32(acc.v[0], acc.v[2]), s8b = vaddq_f32(acc.v[1], acc.v[3]);
  float32x4_t s4 = vaddq_f32(s8a, s8b);
  float32x2_t s2 = vadd_f32(vget_low_f32(s4), vget_high_f32(s4));
  return vget_lane_f32(s2, 0) + vget_lane_f32(s2, 1);
}

void f16_gemv(const uint16_t* a, size_t lda, int cols, const float* x, int r0, int r1, float* out) {
  const int full = cols & ~15, tail = cols - full;
  // The ragged tail, zero-padded: fma(0, 0, acc) leaves acc unchanged (acc
  // starts at +0 and so is never -0).
  float xt[16] = {0};
  for (int c = 0; c < tail; ++c) xt[c] = x[full + c];
  uint16_t at[16] = {0};
  int r = r0;
  // Short rows (attention): two rows at once for more fma chains in flight.
  // Long rows (the F16 head) stream from memory: one row at a time is one
  // sequential read, measured 1.6x faster on AVX-512.
  for (; cols < 1024 && r + 2 <= r1; r += 2) {
    const uint16_t* row0 = a + static_cast<size_t>(r) * lda;
    const uint16_t* row1 = row0 + lda;
    Acc16 acc0 = {{vdupq_n_f32(0), vdupq_n_f32(0), vdupq_n_f32(0), vdupq_n_f32(0)}}, acc1 = acc0;
    for (int c = 0; c < full; c += 16) {
      fma16(acc0, row0 + c, x + c);
      fma16(acc1, row1 + c, x + c);
    }
    if (tail) {
      std::memcpy(at, row0 + full, 2 * tail);
      fma16(acc0, at, xt);
      std::memcpy(at, row1 + full, 2 * tail);
      fma16(acc1, at, xt);
    }
    out[r] = reduce16(acc0);
    out[r + 1] = reduce16(acc1);
  }
  for (; r < r1; ++r) {
    const uint16_t* row = a + static_cast<size_t>(r) * lda;
    Acc16 acc = {{vdupq_n_f32(0), vdupq_n_f32(0), vdupq_n_f32(0), vdupq_n_f32(0)}};
    for (int c = 0; c < full; c += 16) fma16(acc, row + c, x + c);
    if (tail) {
      std::memcpy(at, row + full, 2 * tail);
      fma16(acc, at, xt);
    }
    out[r] = reduce16(acc);
  }
}

// Rows one at a time against NX vectors: each 16-column step widens the row
// once for 4 * NX independent fma chains. The ragged tail is zero-padded as
// in f16_gemv. `lanes` and `out`: see kernels/gemv_rows_table.h.
template <int NX>
void gemv_rows(const uint16_t* a, size_t lda, int cols, const float* x, size_t ldx, int r0, int r1, float* lanes,
               float* out, size_t ldo) {
  const int full = cols & ~15, tail = cols - full;
  float xt[NX][16] = {};
  for (int j = 0; j < NX; ++j)
    for (int c = 0; c < tail; ++c) xt[j][c] = x[j * ldx + full + c];
  uint16_t at[16] = {0};
  for (int r = r0; r < r1; ++r) {
    const uint16_t* row = a + static_cast<size_t>(r) * lda;
    Acc16 acc[NX];
#pragma GCC unroll 4
    for (int j = 0; j < NX; ++j) {
      for (int i = 0; i < 4; ++i) acc[j].v[i] = lanes ? vld1q_f32(lanes + (static_cast<size_t>(j) * r1 + r) * 16 + 4 * i) : vdupq_n_f32(0);
    }
    auto step = [&](const uint16_t* w, int c, bool padded) {
      const float16x8_t h0 = vreinterpretq_f16_u16(vld1q_u16(w)), h1 = vreinterpretq_f16_u16(vld1q_u16(w + 8));
      const float32x4_t w0 = vcvt_f32_f16(vget_low_f16(h0)), w1 = vcvt_high_f32_f16(h0);
      const float32x4_t w2 = vcvt_f32_f16(vget_low_f16(h1)), w3 = vcvt_high_f32_f16(h1);
#pragma GCC unroll 4
      for (int j = 0; j < NX; ++j) {
        const float* xj = padded ? xt[j] : x + j * ldx + c;
        acc[j].v[0] = vfmaq_f32(acc[j].v[0], w0, vld1q_f32(xj));
        acc[j].v[1] = vfmaq_f32(acc[j].v[1], w1, vld1q_f32(xj + 4));
        acc[j].v[2] = vfmaq_f32(acc[j].v[2], w2, vld1q_f32(xj + 8));
        acc[j].v[3] = vfmaq_f32(acc[j].v[3], w3, vld1q_f32(xj + 12));
      }
    };
    for (int c = 0; c < full; c += 16) step(row + c, c, false);
    if (tail) {
      std::memcpy(at, row + full, 2 * tail);
      step(at, full, true);
    }
#pragma GCC unroll 4
    for (int j = 0; j < NX; ++j) {
      if (!out) {
        for (int i = 0; i < 4; ++i) vst1q_f32(lanes + (static_cast<size_t>(j) * r1 + r) * 16 + 4 * i, acc[j].v[i]);
      } else {
        out[j * ldo + r] = reduce16(acc[j]);
      }
    }
  }
}

constexpr GemvRowsFns gemv_rows_fns = {&gemv_rows<1>, &gemv_rows<2>, &gemv_rows<3>, &gemv_rows<4>};

}  // namespace

const KernelTable& neon_dotprod_kernels() {
  static const KernelTable table = {"neon-dotprod", quantize_row_i8, ternary_gemm, i8_gemv, f16_gemv,
                                    f16_gemv_many_by_rows<gemv_rows_fns, f16_gemv>,
                                    f16_gemv_lanes_by_rows<gemv_rows_fns>, q4_gemv};
  return table;
}

}  // namespace bitnet
