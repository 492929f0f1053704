// The 4-bit layout of the LM head's screening copy (described in kernels.h):
// packing a row and reading single weights back.

#include "kernels/kernels.h"

namespace bitnet {

size_t q4_row_bytes(int cols) {
  return (static_cast<size_t>(cols) + kQ4Block - 1) / kQ4Block * (kQ4Block / 2);
}

void q4_pack_row(const int8_t* w, int cols, uint8_t* out) {
  const size_t bytes = q4_row_bytes(cols);
  for (size_t i = 0; i < bytes; ++i) out[i] = 0x88;  // code 8 = weight 0 in both nibbles
  for (int c = 0; c < cols; ++c) {
    uint8_t& byte = out[(c / kQ4Block) * (kQ4Block / 2) + c % (kQ4Block / 2)];
    const uint8_t code = static_cast<uint8_t>(w[c] + 8);
    if (c % kQ4Block < kQ4Block / 2) byte = static_cast<uint8_t>((byte & 0xf0) | code);
    else byte = static_cast<uint8_t>((byte & 0x0f) | (code << 4));
  }
}

int q4_at(const uint8_t* row, int c) {
  const uint8_t byte = row[(c / kQ4Block) * (kQ4Block / 2) + c % (kQ4Block / 2)];
  const int code = c % kQ4Block < kQ4Block / 2 ? byte & 0x0f : byte >> 4;
  return code - 8;
}

}  // namespace bitnet
