// The batched forms of the forward pass's small operations give the same
// bits as the one-row forms they speed up: rms_norm_rows against rms_norm,
// softmax_scaled_rows against softmax_scaled.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "engine/ops.h"

#include "check.h"

using namespace bitnet;
using bitnet_test::failures;

namespace {

std::mt19937 rng(11);
int rand_int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

// Values spread over many binades, so the double sums really round.
float spread_float() {
  float m = std::uniform_real_distribution<float>(-1, 1)(rng);
  return std::ldexp(m, rand_int(-30, 12));
}

uint32_t bits_of(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

int count_differences(const std::vector<float>& a, const std::vector<float>& b) {
  int bad = 0;
  for (size_t i = 0; i < a.size(); ++i) bad += bits_of(a[i]) != bits_of(b[i]);
  return bad;
}

void test_rms_norm_rows_equals_rms_norm_row_by_row() {
  for (int trial = 0; trial < 40; ++trial) {
    int rows = rand_int(1, 21), n = trial < 4 ? 2560 : rand_int(1, 700);
    size_t ldx = n + rand_int(0, 5), ldy = n + rand_int(0, 5);
    std::vector<float> x(rows * ldx), w(n);
    for (auto& v : x) v = spread_float();
    for (auto& v : w) v = spread_float();
    std::vector<float> want(rows * ldy, -7.0f), got = want;
    for (int r = 0; r < rows; ++r) rms_norm(x.data() + r * ldx, w.data(), n, 1e-5f, want.data() + r * ldy);
    rms_norm_rows(x.data(), ldx, w.data(), n, 1e-5f, rows, got.data(), ldy);
    int bad = count_differences(want, got);
    CHECK(bad == 0, "rms_norm_rows %d rows x %d: %d values differ", rows, n, bad);
  }
}

void test_softmax_rows_equals_softmax_row_by_row() {
  for (int trial = 0; trial < 40; ++trial) {
    int rows = rand_int(1, 9), n = trial < 4 ? 1500 : rand_int(1, 600);
    size_t ld = n + rand_int(0, 5);
    std::vector<float> w(rows * ld);
    for (auto& v : w) v = std::uniform_real_distribution<float>(-40, 40)(rng);
    std::vector<float> want = w, got = w;
    for (int r = 0; r < rows; ++r) softmax_scaled(want.data() + r * ld, n, 0.0884f);
    softmax_scaled_rows(got.data(), ld, rows, n, 0.0884f);
    int bad = count_differences(want, got);
    CHECK(bad == 0, "softmax_scaled_rows %d rows x %d: %d values differ", rows, n, bad);
  }
}

}  // namespace

int main() {
  test_rms_norm_rows_equals_rms_norm_row_by_row();
  test_softmax_rows_equals_softmax_row_by_row();
  if (failures) {
    std::fprintf(stderr, "%d failure(s)\n", failures);
    return 1;
  }
  std::printf("ops_test: all passed\n");
  return 0;
}
