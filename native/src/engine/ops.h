#pragma once
// The small per-token operations of the forward pass that are not hot enough
// to be kernels, written plainly with the rounding docs/exactness.md prescribes
// (RMSNorm, RoPE, attention, FFN). Every expression here is one IEEE f32 op
// unless a comment says otherwise; the build never contracts a*b+c on its
// own (ISO C++ mode), so these give the same bits on every machine.

#include <cstddef>
#include <cstdint>

// Elementwise loops that the compiler vectorizes get one clone per x86 ISA,
// picked at load time (GCC ifunc), since the addon is built for baseline
// x86-64. Same IEEE ops in every clone, so the same bits.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(__SANITIZE_ADDRESS__)
#define BITNET_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define BITNET_VECTOR_CLONES
#endif

namespace bitnet {

// y = (x * (1 / sqrt(mean(x^2) + eps))) * w; the squares summed in double.
void rms_norm(const float* x, const float* w, int n, float eps, float* y);
// rms_norm of `rows` rows (x and y rows ldx and ldy floats apart), bit for
// bit, with several rows' sums interleaved: faster for a batch of tokens.
void rms_norm_rows(const float* x, size_t ldx, const float* w, int n, float eps, int rows, float* y, size_t ldy);

// cos/sin of the NEOX angles for one position: theta_0 = pos and
// theta_{i+1} = theta_i * theta_scale in f32, for i < half.
void rope_angles(int pos, int half, float theta_scale, float* cos_out, float* sin_out);

// Rotates one head in place: pairs (i, i + half), FMA-contracted like the
// reference build (docs/exactness.md, RoPE).
void rope_neox(float* v, int half, const float* cos_t, const float* sin_t);

// e^x for x <= 0 (softmax inputs), a fixed polynomial so the result does not
// depend on the C library. Returns 0 below -87.
float exp_fixed(float x);

// In place: w = softmax(w * scale) over n values; exponentials summed in
// double, probabilities = e * (float)(1 / sum).
void softmax_scaled(float* w, int n, float scale);
// softmax_scaled of `rows` rows ld floats apart, bit for bit, with the rows'
// double sums interleaved (one KV group's query heads).
void softmax_scaled_rows(float* w, size_t ld, int rows, int n, float scale);

// Rounds each value to the nearest F16 and back (round to nearest even).
void round_to_f16(float* x, int n);

// BitLinear epilogue (docs/exactness.md, BitLinear output) over a row of integer products:
// y[r] = ((float)dot[r] / act_scale) * w_scale. The kernels return
// acc - sum_q exactly, below 2^24 in magnitude, so one conversion of the
// difference equals the reference's (float)acc - (float)sum_q.
void bitlinear_out(const int32_t* dot, int n, float act_scale, float w_scale, float* y);
// The same, added to a residual: x[r] = y[r] + x[r].
void bitlinear_out_add(const int32_t* dot, int n, float act_scale, float w_scale, float* x);
// Gated FFN: m[r] = relu(gate[r])^2 * up[r] with both BitLinear epilogues.
void bitlinear_relu_sq_mul(const int32_t* up_dot, const int32_t* gate_dot, int n, float act_scale, float up_scale,
                           float gate_scale, float* m);

// The int8 LM head's epilogue: out[r] = ((float)dot[r] / act_scale) * row_scale[r].
void int8_head_out(const int32_t* dot, int n, float act_scale, const float* row_scale, float* out);

}  // namespace bitnet
