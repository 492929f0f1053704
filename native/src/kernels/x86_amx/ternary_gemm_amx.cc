// ternary_gemm on AMX-INT8: blocks of tokens through Intel's tile matrix
// unit. Compiled with the AVX-512 and AMX flags of this folder only;
// dispatch.cc uses it only when the CPU has AMX-INT8 and the OS has granted
// this process the tile state.
//
// One tdpbssd multiplies a 16 x 64 int8 tile by a 64 x 16 one into 16 x 16
// int32 sums: 16,384 exact multiply-adds, against 64 for one vpdpbusd. The
// tiles are
//   A: 16 tokens x 64 columns of q, loaded straight from the activations;
//   B: 64 columns x 16 rows of weight codes in the "VNNI" order tdpbssd
//      wants, row k/4 of the tile holding columns k..k+3 of each of the 16
//      rows. That is exactly one 64-byte tile of the runtime layout
//      (kernels.h) masked to one 2-bit plane, so unpacking is and + shift;
//   C: 16 tokens x 16 rows.
// Codes are w + 1 in {0, 1, 2}, so C = sum code*q and dot = C - sum q, as in
// the VNNI table. Every sum is exact in int32 (cols <= 65536).

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/isa_tables.h"
#include "kernels/x86_amx/intel_kernels.h"

namespace bitnet {
namespace intel {
namespace {

// Tiles 0-3 hold C (token block i, row group j at 2*i + j), 4-5 hold A
// (token blocks), 6-7 hold B (row groups).
struct alignas(64) TileConfig {
  uint8_t palette = 1;
  uint8_t start_row = 0;
  uint8_t reserved[14] = {};
  uint16_t colsb[16] = {};
  uint8_t rows[16] = {};
};

// Configures the tiles for blocks of `m` tokens (the last block may be short).
void configure(int m) {
  TileConfig cfg;
  for (int t = 0; t < 6; ++t) cfg.rows[t] = static_cast<uint8_t>(m), cfg.colsb[t] = 64;
  for (int t = 6; t < 8; ++t) cfg.rows[t] = 16, cfg.colsb[t] = 64;
  _tile_loadconfig(&cfg);
}

// Unpacks one row group (16 rows, all columns) into B tiles: 64-column step
// s of the output is 16 rows of 64 bytes, row 4*k' + p holding plane p of
// runtime tile 4*s + k'.
void unpack_group(const uint8_t* packed, int tiles, uint8_t* out) {
  const __m512i m = _mm512_set1_epi8(0x03);
  for (int k = 0; k < tiles; ++k) {
    const __m512i v = _mm512_loadu_si512(packed + 64 * static_cast<size_t>(k));
    uint8_t* o = out + 256 * static_cast<size_t>(k);
    _mm512_store_si512(o, _mm512_and_si512(v, m));
    _mm512_store_si512(o + 64, _mm512_and_si512(_mm512_srli_epi16(v, 2), m));
    _mm512_store_si512(o + 128, _mm512_and_si512(_mm512_srli_epi16(v, 4), m));
    _mm512_store_si512(o + 192, _mm512_and_si512(_mm512_srli_epi16(v, 6), m));
  }
}

// C tile -> dot: subtract each token's sum of q, keep the group's real rows.
void store_block(const int32_t* c, int n_tok, const int32_t* qsums, int32_t* dot, int ld, int n_rows) {
  const __mmask16 keep = n_rows >= 16 ? __mmask16(0xffff) : static_cast<__mmask16>((1u << n_rows) - 1);
  for (int t = 0; t < n_tok; ++t) {
    const __m512i v = _mm512_sub_epi32(_mm512_load_si512(c + 16 * t), _mm512_set1_epi32(qsums[t]));
    _mm512_mask_storeu_epi32(dot + static_cast<size_t>(t) * ld, keep, v);
  }
}

// NT token blocks (1 or 2) of m tokens x NG row groups (1 or 2), all columns.
template <int NT, int NG>
void tile_block(const int8_t* q, int cols, const uint8_t* b0, const uint8_t* b1, int32_t* c_out) {
  const int steps = cols / 64;
  const size_t stride = static_cast<size_t>(cols);
  _tile_zero(0);
  if (NG == 2) _tile_zero(1);
  if (NT == 2) _tile_zero(2);
  if (NT == 2 && NG == 2) _tile_zero(3);
  for (int s = 0; s < steps; ++s) {
    _tile_loadd(4, q + 64 * s, stride);
    if (NT == 2) _tile_loadd(5, q + 16 * stride + 64 * s, stride);
    _tile_loadd(6, b0 + 1024 * static_cast<size_t>(s), 64);
    if (NG == 2) _tile_loadd(7, b1 + 1024 * static_cast<size_t>(s), 64);
    _tile_dpbssd(0, 4, 6);
    if (NG == 2) _tile_dpbssd(1, 4, 7);
    if (NT == 2) _tile_dpbssd(2, 5, 6);
    if (NT == 2 && NG == 2) _tile_dpbssd(3, 5, 7);
  }
  _tile_stored(0, c_out, 64);
  if (NG == 2) _tile_stored(1, c_out + 256, 64);
  if (NT == 2) _tile_stored(2, c_out + 512, 64);
  if (NT == 2 && NG == 2) _tile_stored(3, c_out + 768, 64);
}

using TileBlockFn = void (*)(const int8_t*, int, const uint8_t*, const uint8_t*, int32_t*);
constexpr TileBlockFn tile_blocks[2][2] = {{&tile_block<1, 1>, &tile_block<1, 2>}, {&tile_block<2, 1>, &tile_block<2, 2>}};

// One token (decode) streams the weights once through the VNNI
// matrix-vector kernel; from two tokens on the tiles win, unpacking
// included (a whole 2B4T step at 1 thread: 2 tokens 119 ms against 126,
// 3 tokens 121 against 163).
constexpr int kMinTokens = 2;

}  // namespace

void ternary_gemm_amx(const TernaryMatrix& w, const int8_t* q, const int32_t* q_sum, int n_tok, int r0, int r1,
                      int32_t* dot, int ld) {
  const int cols = w.cols;
  if (n_tok < kMinTokens || cols % 64 != 0 || r0 >= r1) {
    avx512_vnni_kernels().ternary_gemm(w, q, q_sum, n_tok, r0, r1, dot, ld);
    return;
  }
  const int tiles = cols / 16;
  const size_t group_bytes = static_cast<size_t>(4) * cols, unpacked = static_cast<size_t>(16) * cols;
  // Two row groups are unpacked at a time (2 x 16 x cols bytes, in L2), then
  // met by every token.
  static thread_local std::vector<uint8_t> raw;
  if (raw.size() < 2 * unpacked + 64) raw.resize(2 * unpacked + 64);
  uint8_t* buf = reinterpret_cast<uint8_t*>((reinterpret_cast<uintptr_t>(raw.data()) + 63) & ~uintptr_t{63});
  alignas(64) int32_t c[4 * 256];
  int configured = 0;
  for (int r = r0; r < r1; r += 32) {
    const int ng = r + 16 < r1 ? 2 : 1;
    for (int g = 0; g < ng; ++g) unpack_group(w.packed + ((r + 16 * g) / 16) * group_bytes, tiles, buf + g * unpacked);
    for (int t0 = 0; t0 < n_tok;) {
      // Two full blocks of 16 tokens, one, or the short block at the end.
      const int left = n_tok - t0, nt = left >= 32 ? 2 : 1, m = std::min(16, left);
      if (m != configured) configure(m), configured = m;
      tile_blocks[nt - 1][ng - 1](q + static_cast<size_t>(t0) * cols, cols, buf, buf + unpacked, c);
      for (int i = 0; i < nt; ++i) {
        const int tb = t0 + 16 * i;
        for (int g = 0; g < ng; ++g) {
          const int rg = r + 16 * g;
          store_block(c + 256 * (2 * i + g), m, q_sum + tb, dot + static_cast<size_t>(tb) * ld + rg, ld,
                      std::min(16, r1 - rg));
        }
      }
      t0 += nt * m;
    }
  }
  _tile_release();
}

}  // namespace intel
}  // namespace bitnet
