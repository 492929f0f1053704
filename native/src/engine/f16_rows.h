#pragma once
// Whole-row F16 conversions for the KV store, the query rounding and the
// embedding lookup. With F16C (x86) eight values convert per instruction;
// elsewhere the kernels' exact scalar conversions run. Both round to
// nearest even, so finite values give the same bits either way.

#include <cstddef>
#include <cstdint>

namespace bitnet {

// out[i * stride] = f16(x[i]) for i < n.
void f32_to_f16_row(const float* x, int n, uint16_t* out, size_t stride);
// out[i] = f32(h[i]) for i < n (exact).
void f16_to_f32_row(const uint16_t* h, int n, float* out);
// out[i] = f32(f16(x[i])): x rounded through F16 (out may equal x).
void round_through_f16(const float* x, int n, float* out);

}  // namespace bitnet
