// The runtime ternary layout (described in kernels.h): repacking from the
// on-disk I2_S blocks and reading single weights back.

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

void ternary_pack_i2s(const uint8_t* i2s, int rows, int cols, uint8_t* out) {
  const size_t row_bytes = static_cast<size_t>(cols) / 4;
  const int groups = (rows + kTernaryRowGroup - 1) / kTernaryRowGroup;
  // Codes of one I2_S row, in column order; code 3 is read as 1 (zero).
  uint8_t* codes = new uint8_t[cols];
  for (int g = 0; g < groups; ++g) {
    uint8_t* group = out + static_cast<size_t>(g) * 4 * cols;
    // Padding rows of the last group are zero weights, code 1 everywhere.
    std::memset(group, 0x55, static_cast<size_t>(4) * cols);
    for (int i = 0; i < kTernaryRowGroup; ++i) {
      int r = g * kTernaryRowGroup + i;
      if (r >= rows) break;
      const uint8_t* src = i2s + static_cast<size_t>(r) * row_bytes;
      for (int b = 0; b < cols / 128; ++b) {
        for (int j = 0; j < 32; ++j) {
          uint8_t byte = src[b * 32 + j];
          for (int part = 0; part < 4; ++part) {
            uint8_t code = (byte >> (6 - 2 * part)) & 3;
            codes[b * 128 + part * 32 + j] = code == 3 ? 1 : code;
          }
        }
      }
      // Byte 4i+j of tile k gathers columns 16k + 4s + j for s = 0..3.
      for (int k = 0; k < cols / 16; ++k) {
        uint8_t* tile = group + static_cast<size_t>(k) * 64 + 4 * i;
        const uint8_t* c16 = codes + 16 * k;
        for (int j = 0; j < 4; ++j) {
          tile[j] = static_cast<uint8_t>(c16[j] | c16[4 + j] << 2 | c16[8 + j] << 4 | c16[12 + j] << 6);
        }
      }
    }
  }
  delete[] codes;
}

int ternary_at(const uint8_t* packed, int rows, int cols, int r, int c) {
  (void)rows;
  int shift;
  size_t off = packed_offset(cols, r, c, &shift);
  return ((packed[off] >> shift) & 3) - 1;
}

}  // namespace bitnet
