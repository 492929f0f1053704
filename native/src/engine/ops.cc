#include "engine/strict_fp.h"
#include "engine/ops.h"
#include "engine/f16_rows.h"

#include <cmath>
#include <cstring>

#include "kernels/fma_f32.h"
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

namespace {

// NR rows of rms_norm at once: each row's squares are still summed in order
// in its own double, but the NR add chains overlap instead of waiting on
// each other (an add chain is latency-bound).
template <int NR>
void rms_norm_block(const float* x, size_t ldx, const float* w, int n, float eps, float* y, size_t ldy) {
  double sum[NR] = {};
  for (int i = 0; i < n; ++i) {
#pragma GCC unroll 8
    for (int r = 0; r < NR; ++r) {
      float v = x[r * ldx + i];
      float sq = v * v;
      sum[r] += sq;
    }
  }
  for (int r = 0; r < NR; ++r) {
    float mean = static_cast<float>(sum[r] / n);
    float denom = std::sqrt(mean + eps);
    float scale = 1.0f / denom;
    for (int i = 0; i < n; ++i) {
      float t = x[r * ldx + i] * scale;
      y[r * ldy + i] = t * w[i];
    }
  }
}

}  // namespace

void rms_norm_rows(const float* x, size_t ldx, const float* w, int n, float eps, int rows, float* y, size_t ldy) {
  int r = 0;
  for (; r + 8 <= rows; r += 8) rms_norm_block<8>(x + r * ldx, ldx, w, n, eps, y + r * ldy, ldy);
  for (; r < rows; ++r) rms_norm(x + r * ldx, w, n, eps, y + r * ldy);
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
    v[i] = fma_f32(x0, cos_t[i], -x1s);
    v[i + half] = fma_f32(x0, sin_t[i], x1c);
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

namespace {

// w = e^(w * scale - max). Elementwise, so it vectorizes; the max runs in 16
// independent lanes (one running max would be a chain of dependent compares,
// slower than all the exponentials). Any order gives the same max, up to
// the sign of a zero, which no w - max can tell apart.
BITNET_VECTOR_CLONES
void scaled_exp_row(float* w, int n, float scale) {
  for (int i = 0; i < n; ++i) w[i] = w[i] * scale;
  float lane[16];
  for (int l = 0; l < 16; ++l) lane[l] = -INFINITY;
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    for (int l = 0; l < 16; ++l) lane[l] = w[i + l] > lane[l] ? w[i + l] : lane[l];
  }
  for (; i < n; ++i) lane[0] = w[i] > lane[0] ? w[i] : lane[0];
  float m = lane[0];
  for (int l = 1; l < 16; ++l) m = lane[l] > m ? lane[l] : m;
  for (i = 0; i < n; ++i) w[i] = exp_fixed(w[i] - m);
}

BITNET_VECTOR_CLONES
void scale_row(float* w, int n, float inv) {
  for (int i = 0; i < n; ++i) w[i] = w[i] * inv;
}

// The NR rows' double sums, each in order, with their add chains overlapped.
template <int NR>
void sum_rows(const float* w, size_t ld, int n, double* sum) {
  for (int r = 0; r < NR; ++r) sum[r] = 0.0;
  for (int i = 0; i < n; ++i) {
#pragma GCC unroll 4
    for (int r = 0; r < NR; ++r) sum[r] += w[r * ld + i];
  }
}

}  // namespace

void softmax_scaled(float* w, int n, float scale) { softmax_scaled_rows(w, 0, 1, n, scale); }

void softmax_scaled_rows(float* w, size_t ld, int rows, int n, float scale) {
  for (int r0 = 0; r0 < rows; r0 += 4) {
    const int nr = rows - r0 < 4 ? rows - r0 : 4;
    float* block = w + r0 * ld;
    for (int r = 0; r < nr; ++r) scaled_exp_row(block + r * ld, n, scale);
    double sum[4];
    switch (nr) {
      case 1: sum_rows<1>(block, ld, n, sum); break;
      case 2: sum_rows<2>(block, ld, n, sum); break;
      case 3: sum_rows<3>(block, ld, n, sum); break;
      default: sum_rows<4>(block, ld, n, sum); break;
    }
    for (int r = 0; r < nr; ++r) scale_row(block + r * ld, n, static_cast<float>(1.0 / sum[r]));
  }
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
