// The runtime ternary layout (described in kernels.h): repacking from the
// on-disk I2_S blocks and reading single weights back.

#include <algorithm>
#include <cstring>

#include "kernels/kernels.h"

namespace bitnet {

size_t ternary_packed_bytes(int rows, int cols) {
  size_t groups = (static_cast<size_t>(rows) + kTernaryRowGroup - 1) / kTernaryRowGroup;
  return groups * kTernaryRowGroup * static_cast<size_t>(cols) / 4;
}

namespace {

// Position of weight (r, c) in the runtime layout: byte offset and bit shift.
inline size_t packed_offset(int cols, int r, int c, int* shift) {
  int g = r / kTernaryRowGroup, i = r % kTernaryRowGroup;
  int k = c / 16, s = (c % 16) / 4, j = c % 4;
  *shift = 2 * s;
  return static_cast<size_t>(g) * 4 * cols + static_cast<size_t>(k) * 64 + 4 * i + j;
}

}  // namespace

namespace {

uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Code 3 never occurs in a valid file; read it as 1 (zero), as the reference does (docs/model-file.md, I2_S).
uint64_t fix_code3(uint64_t x) {
  uint64_t threes = (x >> 1) & x & 0x5555555555555555ull;
  return x & ~(threes << 1);
}

}  // namespace

void ternary_pack_i2s_rows(const uint8_t* i2s, int rows, int cols, int r0, int r1, uint8_t* out) {
  const size_t row_bytes = static_cast<size_t>(cols) / 4;
  for (int g0 = r0; g0 < r1; g0 += kTernaryRowGroup) {
    uint8_t* group = out + static_cast<size_t>(g0 / kTernaryRowGroup) * 4 * cols;
    // Padding rows of the last group are zero weights, code 1 everywhere.
    if (g0 + kTernaryRowGroup > rows) std::memset(group, 0x55, static_cast<size_t>(4) * cols);
    const int g1 = std::min(rows, g0 + kTernaryRowGroup);
    for (int r = g0; r < g1; ++r) {
      const uint8_t* src = i2s + static_cast<size_t>(r) * row_bytes;
      uint8_t* dst = group + 4 * (r - g0);
      // Tile k covers columns 16k..16k+15: in I2_S these sit in one 128-block
      // (b = k / 8), one 2-bit part (p), bytes m0..m0+15 of the block.
      for (int k = 0; k < cols / 16; ++k) {
        const int b = k / 8, o = (16 * k) % 128, p = o / 32, m0 = o % 32;
        const uint8_t* s = src + 32 * b + m0;
        const int shift = 6 - 2 * p;
        // One code per byte: codes of columns 16k+0..7 and 16k+8..15.
        uint64_t lo = (fix_code3(load64(s)) >> shift) & 0x0303030303030303ull;
        uint64_t hi = (fix_code3(load64(s + 8)) >> shift) & 0x0303030303030303ull;
        // Byte j of the output = c[j] | c[j+4] << 2 | c[j+8] << 4 | c[j+12] << 6.
        uint32_t w = static_cast<uint32_t>(lo) | static_cast<uint32_t>(lo >> 32) << 2 |
                     static_cast<uint32_t>(hi) << 4 | static_cast<uint32_t>(hi >> 32) << 6;
        std::memcpy(dst + 64 * static_cast<size_t>(k), &w, 4);
      }
    }
  }
}

void ternary_pack_i2s(const uint8_t* i2s, int rows, int cols, uint8_t* out) {
  ternary_pack_i2s_rows(i2s, rows, cols, 0, rows, out);
}

int ternary_at(const uint8_t* packed, int rows, int cols, int r, int c) {
  (void)rows;
  int shift;
  size_t off = packed_offset(cols, r, c, &shift);
  return ((packed[off] >> shift) & 3) - 1;
}

}  // namespace bitnet
