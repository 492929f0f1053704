// The 8-bit KV cache's loops (engine/kv_i8.h), which the compiler
// vectorizes, give the bits of the order they state: each against a
// straightforward one-value-at-a-time reference, over ragged shapes, any
// number of vectors and columns cut into blocks anywhere on a multiple of 16.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "engine/kv_i8.h"

#include "check.h"

using namespace bitnet;
using bitnet_test::failures;

namespace {

std::mt19937 rng(5);
int rand_int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

// Values over many binades, so every product and sum really rounds.
float spread_float() {
  float m = std::uniform_real_distribution<float>(-1, 1)(rng);
  return std::ldexp(m, rand_int(-20, 6));
}

size_t count_differences(const float* a, const float* b, size_t n) {
  size_t bad = 0;
  for (size_t i = 0; i < n; ++i) bad += std::memcmp(&a[i], &b[i], 4) != 0;
  return bad;
}

// The stated order, one value at a time.
void reference_lanes(const int8_t* a, size_t lda, int cols, const float* x, size_t ldx, int n_x, int rows,
                     float* lanes, float* out) {
  for (int j = 0; j < n_x; ++j) {
    for (int r = 0; r < rows; ++r) {
      float* l = lanes + (static_cast<size_t>(j) * rows + r) * 16;
      for (int c = 0; c < cols; ++c) {
        float p = x[j * ldx + c] * static_cast<float>(a[r * lda + c]);
        l[c % 16] = l[c % 16] + p;
      }
      if (out) {
        float acc[16];
        std::memcpy(acc, l, sizeof acc);
        for (int k = 0; k < 8; ++k) acc[k] = acc[k] + acc[k + 8];
        for (int k = 0; k < 4; ++k) acc[k] = acc[k] + acc[k + 4];
        for (int k = 0; k < 2; ++k) acc[k] = acc[k] + acc[k + 2];
        out[j * rows + r] = acc[0] + acc[1];
      }
    }
  }
}

void test_lanes_match_reference() {
  for (int trial = 0; trial < 200; ++trial) {
    const int rows = rand_int(1, 40), n_x = rand_int(1, 6), cols = rand_int(1, 400);
    const size_t lda = cols + rand_int(0, 20), ldx = cols + rand_int(0, 9);
    std::vector<int8_t> a(rows * lda);
    for (auto& v : a) v = static_cast<int8_t>(rand_int(-128, 127));
    std::vector<float> x(n_x * ldx);
    for (auto& v : x) v = spread_float();
    const size_t n_lanes = static_cast<size_t>(n_x) * rows * 16;
    std::vector<float> got_lanes(n_lanes, 0.0f), want_lanes(n_lanes, 0.0f);
    std::vector<float> got(n_x * rows, -1.0f), want(n_x * rows, -2.0f);
    // Blocks of columns as the caller cuts them: at multiples of 16.
    for (int c0 = 0; c0 < cols;) {
      const int block = std::min(cols - c0, 16 * rand_int(1, 12));
      const bool last = c0 + block == cols;
      i8_gemv_lanes(a.data() + c0, lda, block, x.data() + c0, ldx, n_x, rows, got_lanes.data(),
                    last ? got.data() : nullptr);
      c0 += block;
    }
    reference_lanes(a.data(), lda, cols, x.data(), ldx, n_x, rows, want_lanes.data(), want.data());
    const size_t bad = count_differences(got.data(), want.data(), got.size());
    CHECK(bad == 0, "i8_gemv_lanes (%d rows, %d vectors, %d columns): %zu of %zu results differ from the reference",
          rows, n_x, cols, bad, got.size());
  }
}

void test_scores_and_scales_match_reference() {
  const int n = 1000;
  std::vector<int32_t> dot(n);
  std::vector<float> k_scale(n), w(n), v_scale(n), got(n), want(n);
  for (int i = 0; i < n; ++i) {
    dot[i] = rand_int(-2000000, 2000000);
    k_scale[i] = std::fabs(spread_float()) + 1e-3f;
    w[i] = std::fabs(spread_float());
    v_scale[i] = std::fabs(spread_float()) + 1e-3f;
  }
  const float q_scale = 37.25f;
  i8_scores(dot.data(), n, q_scale, k_scale.data(), got.data());
  for (int i = 0; i < n; ++i) {
    float f = static_cast<float>(dot[i]);
    float q = f / q_scale;
    want[i] = q / k_scale[i];
  }
  CHECK(count_differences(got.data(), want.data(), n) == 0, "i8_scores differs from the reference");
  got = w;
  i8_fold_v_scale(got.data(), n, v_scale.data());
  for (int i = 0; i < n; ++i) want[i] = w[i] / v_scale[i];
  CHECK(count_differences(got.data(), want.data(), n) == 0, "i8_fold_v_scale differs from the reference");
}

}  // namespace

int main() {
  test_lanes_match_reference();
  test_scores_and_scales_match_reference();
  if (failures) {
    std::fprintf(stderr, "kv_i8_test: %d failure(s)\n", failures);
    return 1;
  }
  std::printf("kv_i8_test: all passed\n");
  return 0;
}
