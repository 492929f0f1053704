#pragma once
// The small per-token operations of the forward pass that are not hot enough
// to be kernels, written plainly with the rounding the spec prescribes
// (spec 3.2, 3.4, 3.5, 3.7, 11.3). Every expression here is one IEEE f32 op
// unless a comment says otherwise; the build never contracts a*b+c on its
// own (ISO C++ mode), so these give the same bits on every machine.

#include <cstdint>

namespace bitnet {

// y = (x * (1 / sqrt(mean(x^2) + eps))) * w; the squares summed in double.
void rms_norm(const float* x, const float* w, int n, float eps, float* y);

// cos/sin of the NEOX angles for one position: theta_0 = pos and
// theta_{i+1} = theta_i * theta_scale in f32, for i < half.
void rope_angles(int pos, int half, float theta_scale, float* cos_out, float* sin_out);

// Rotates one head in place: pairs (i, i + half), FMA-contracted like the
// reference build (spec 11.3).
void rope_neox(float* v, int half, const float* cos_t, const float* sin_t);

// e^x for x <= 0 (softmax inputs), a fixed polynomial so the result does not
// depend on the C library. Returns 0 below -87.
float exp_fixed(float x);

// In place: w = softmax(w * scale) over n values; exponentials summed in
// double, probabilities = e * (float)(1 / sum).
void softmax_scaled(float* w, int n, float scale);

// Rounds each value to the nearest F16 and back (round to nearest even).
void round_to_f16(float* x, int n);

// m = relu(gate)^2 * up, each step rounded to f32.
inline float relu_sq_mul(float gate, float up) {
  float r = gate > 0.0f ? gate : 0.0f;
  float sq = r * r;
  return sq * up;
}

}  // namespace bitnet
