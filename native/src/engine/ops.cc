#include "engine/strict_fp.h"
#include "engine/ops.h"
#include "engine/f16_rows.h"

#include <cmath>
#include <cstring>

#include "kernels/kernels.h"

namespace bitnet {

void rms_norm(const float* x, const float* w, int n, float eps, float* y) {
  double sum = 0.0;
  for (int i = 0; i < n; ++i) {
    float sq = x[i] * x[i];
    sum += sq;
  }
  float mean = static_cast<float>(sum / n);
  float denom = std::sqrt(mean + eps);
  float scale = 1.0f / denom;
  for (int i = 0; i < n; ++i) {
    float t = x[i] * scale;
    y[i] = t * w[i];
  }
}

void rope_angles(int pos, int half, float theta_scale, float* cos_out, float* sin_out) {
  float theta = static_cast<float>(pos);
  for (int i = 0; i < half; ++i) {
    cos_out[i] = std::cos(theta);
    sin_out[i] = std::sin(theta);
    theta = theta * theta_scale;
  }
}

void rope_neox(float* v, int half, const float* cos_t, const float* sin_t) {
  for (int i = 0; i < half; ++i) {
    float x0 = v[i];
    float x1 = v[i + half];
    float x1s = x1 * sin_t[i];
    float x1c = x1 * cos_t[i];
    v[i] = std::fma(x0, cos_t[i], -x1s);
    v[i + half] = std::fma(x0, sin_t[i], x1c);
  }
}

float exp_fixed(float x) {
  if (!(x > -87.0f)) return 0.0f;  // also maps NaN to 0: a poisoned score gets no weight
  if (x > 0.0f) x = 0.0f;
  // x = n ln2 + r with |r| <= ln2/2; ln2 split so n * kLn2Hi is exact.
  const float kLog2e = 1.44269504088896341f;
  const float kLn2Hi = 0.693145751953125f;
  const float kLn2Lo = 1.42860682030941723e-6f;
  const float kRound = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer (RNE)
  float t = x * kLog2e;
  float n = (t + kRound) - kRound;
  float nh = n * kLn2Hi;
  float nl = n * kLn2Lo;
  float r = (x - nh) - nl;
  // Taylor series to r^7 (error < 1 ulp on the interval), Horner order.
  float p = 1.0f / 5040.0f;
  p = p * r; p = p + 1.0f / 720.0f;
  p = p * r; p = p + 1.0f / 120.0f;
  p = p * r; p = p + 1.0f / 24.0f;
  p = p * r; p = p + 1.0f / 6.0f;
  p = p * r; p = p + 0.5f;
  p = p * r; p = p + 1.0f;
  p = p * r; p = p + 1.0f;
  int e = static_cast<int>(n);  // in [-126, 0]
  uint32_t bits = static_cast<uint32_t>(e + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

void softmax_scaled(float* w, int n, float scale) {
  float m = -INFINITY;
  for (int i = 0; i < n; ++i) {
    w[i] = w[i] * scale;
    if (w[i] > m) m = w[i];
  }
  double sum = 0.0;
  for (int i = 0; i < n; ++i) {
    float e = exp_fixed(w[i] - m);
    w[i] = e;
    sum += e;
  }
  float inv = static_cast<float>(1.0 / sum);
  for (int i = 0; i < n; ++i) w[i] = w[i] * inv;
}

BITNET_VECTOR_CLONES
void bitlinear_out(const int32_t* dot, int n, float act_scale, float w_scale, float* y) {
  for (int r = 0; r < n; ++r) {
    float f = static_cast<float>(dot[r]);
    float q = f / act_scale;
    y[r] = q * w_scale;
  }
}

BITNET_VECTOR_CLONES
void bitlinear_out_add(const int32_t* dot, int n, float act_scale, float w_scale, float* x) {
  for (int r = 0; r < n; ++r) {
    float f = static_cast<float>(dot[r]);
    float q = f / act_scale;
    float y = q * w_scale;
    x[r] = y + x[r];
  }
}

BITNET_VECTOR_CLONES
void bitlinear_relu_sq_mul(const int32_t* up_dot, const int32_t* gate_dot, int n, float act_scale, float up_scale,
                           float gate_scale, float* m) {
  for (int r = 0; r < n; ++r) {
    float fu = static_cast<float>(up_dot[r]);
    float qu = fu / act_scale;
    float u = qu * up_scale;
    float fg = static_cast<float>(gate_dot[r]);
    float qg = fg / act_scale;
    float g = qg * gate_scale;
    float rl = g > 0.0f ? g : 0.0f;
    float sq = rl * rl;
    m[r] = sq * u;
  }
}

BITNET_VECTOR_CLONES
void int8_head_out(const int32_t* dot, int n, float act_scale, const float* row_scale, float* out) {
  for (int r = 0; r < n; ++r) {
    float f = static_cast<float>(dot[r]);
    float q = f / act_scale;
    out[r] = q * row_scale[r];
  }
}

void round_to_f16(float* x, int n) {
  round_through_f16(x, n, x);
}

}  // namespace bitnet
