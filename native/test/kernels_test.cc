// Holds every kernel table this CPU runs bit-identical to the scalar
// reference, and the scalar reference to docs/ (I2_S decoding, the
// activation quantizer's rounding, exact integer products).
// Exits non-zero on the first failure.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "engine/aligned_memory.h"
#include "kernels/fma_f32.h"
#include "kernels/kernels.h"

#include "check.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#endif

using namespace bitnet;

namespace {

using bitnet_test::failures;

std::mt19937_64 rng(20261121);

int rand_int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
float rand_float(float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(rng); }

// The per-token sums of q that ternary_gemm takes (quantize_row_i8 gives them).
std::vector<int32_t> token_sums(const std::vector<int8_t>& q, int cols) {
  std::vector<int32_t> sums(q.size() / cols, 0);
  for (size_t i = 0; i < q.size(); ++i) sums[i / cols] += q[i];
  return sums;
}

uint32_t bits_of(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

// A buffer with 64-byte alignment, as the runtime layout promises.
struct Aligned {
  uint8_t* p = nullptr;
  explicit Aligned(size_t n) { p = static_cast<uint8_t*>(bitnet::aligned_memory_alloc(64, (n + 63) / 64 * 64 + 64)); }
  ~Aligned() { bitnet::aligned_memory_free(p); }
  Aligned(const Aligned&) = delete;
  Aligned& operator=(const Aligned&) = delete;
};

// Builds I2_S bytes (docs/model-file.md, I2_S) for a ternary matrix given row-major.
std::vector<uint8_t> make_i2s(const std::vector<int>& t, int rows, int cols) {
  std::vector<uint8_t> out(static_cast<size_t>(rows) * cols / 4, 0);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      size_t flat = static_cast<size_t>(r) * cols + c;
      size_t block = flat / 128;
      int i = static_cast<int>(flat % 128);
      out[block * 32 + i % 32] |= static_cast<uint8_t>((t[flat] + 1) << (6 - 2 * (i / 32)));
    }
  return out;
}

// Decodes weight i of an I2_S matrix straight from the rule in docs/model-file.md.
int i2s_weight(const std::vector<uint8_t>& i2s, int cols, int r, int c) {
  size_t flat = static_cast<size_t>(r) * cols + c;
  size_t block = flat / 128;
  int i = static_cast<int>(flat % 128);
  int code = (i2s[block * 32 + i % 32] >> (6 - 2 * (i / 32))) & 3;
  return code == 3 ? 0 : code - 1;
}

void test_i2s_worked_example() {
  // Spec 2.4: byte 0 = 0x92 holds +1, 0, -1, +1 at weights 0, 32, 64, 96.
  std::vector<uint8_t> i2s(32, 0x55);
  i2s[0] = 0x92;
  i2s[1] = 0x00;
  i2s[2] = 0xAA;
  i2s[3] = 0xFF;  // code 3 reads as 0
  Aligned packed(ternary_packed_bytes(1, 128));
  ternary_pack_i2s(i2s.data(), 1, 128, packed.p);
  CHECK(ternary_at(packed.p, 1, 128, 0, 0) == 1, "weight 0");
  CHECK(ternary_at(packed.p, 1, 128, 0, 32) == 0, "weight 32");
  CHECK(ternary_at(packed.p, 1, 128, 0, 64) == -1, "weight 64");
  CHECK(ternary_at(packed.p, 1, 128, 0, 96) == 1, "weight 96");
  for (int k = 0; k < 4; ++k) {
    CHECK(ternary_at(packed.p, 1, 128, 0, 1 + 32 * k) == -1, "byte 0x00 -> -1");
    CHECK(ternary_at(packed.p, 1, 128, 0, 2 + 32 * k) == 1, "byte 0xAA -> +1");
    CHECK(ternary_at(packed.p, 1, 128, 0, 3 + 32 * k) == 0, "code 3 -> 0");
    CHECK(ternary_at(packed.p, 1, 128, 0, 4 + 32 * k) == 0, "byte 0x55 -> 0");
  }
  CHECK(ternary_packed_bytes(2560, 2560) == 1638400, "2560x2560 is 1,638,400 code bytes");
}

void test_pack_round_trip() {
  const int shapes[][2] = {{1, 128}, {15, 256}, {16, 128}, {17, 384}, {40, 640}, {100, 128}};
  for (auto& sh : shapes) {
    int rows = sh[0], cols = sh[1];
    std::vector<uint8_t> i2s(static_cast<size_t>(rows) * cols / 4);
    for (auto& b : i2s) b = static_cast<uint8_t>(rand_int(0, 255));  // code 3 included
    Aligned packed(ternary_packed_bytes(rows, cols));
    ternary_pack_i2s(i2s.data(), rows, cols, packed.p);
    int bad = 0;
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c)
        if (ternary_at(packed.p, rows, cols, r, c) != i2s_weight(i2s, cols, r, c)) ++bad;
    CHECK(bad == 0, "pack round trip %dx%d: %d weights differ", rows, cols, bad);
    // Packing in group-aligned row slices gives the same bytes.
    size_t n = ternary_packed_bytes(rows, cols);
    Aligned sliced(n);
    std::memset(sliced.p, 0xEE, n);
    for (int r0 = 0; r0 < rows; r0 += 2 * kTernaryRowGroup)
      ternary_pack_i2s_rows(i2s.data(), rows, cols, r0, std::min(rows, r0 + 2 * kTernaryRowGroup), sliced.p);
    CHECK(std::memcmp(sliced.p, packed.p, n) == 0, "pack by row slices %dx%d", rows, cols);
  }
}

// The quantizer written a second way, straight from docs/exactness.md, with the
// ggml add-1.5*2^23 rounding trick instead of nearbyint.
float spec_quantize(const std::vector<float>& x, std::vector<int8_t>& q, int32_t& sum) {
  double max = 1e-5;
  for (float v : x) max = std::max(max, static_cast<double>(std::fabs(v)));
  float s = static_cast<float>(127 / max);
  q.resize(x.size());
  sum = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    float prod = x[i] * s;
    int v;
    if (std::fabs(prod) < 4194304.0f) {
      float biased = prod + 12582912.0f;
      int32_t bits;
      std::memcpy(&bits, &biased, 4);
      v = (bits & 0x007fffff) - 0x00400000;
    } else {
      v = prod > 0 ? 127 : -128;
    }
    v = std::min(127, std::max(-128, v));
    q[i] = static_cast<int8_t>(v);
    sum += v;
  }
  return s;
}

std::vector<std::vector<float>> quantizer_inputs() {
  std::vector<std::vector<float>> rows;
  rows.push_back({});                                                  // empty row
  rows.push_back(std::vector<float>(37, 0.0f));                        // all zeros
  rows.push_back({1e-7f, -3e-6f, 2e-6f});                              // below the 1e-5 floor
  rows.push_back({3e38f, -3e38f, 1.0f, -1e30f, 5.0f});                 // huge
  rows.push_back({-3.4028235e38f, 1e-30f, 0.0f, -0.0f});               // -FLT_MAX
  rows.push_back({127.0f, 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 3.5f}); // ties at .5 (s = 1)
  rows.push_back({254.0f, 1.0f, 3.0f, 5.0f, -1.0f, -3.0f, 7.0f});      // ties after scaling (s = 0.5)
  rows.push_back({1.0f, -1.0f});
  rows.push_back({-1.0f});
  for (int n : {1, 3, 15, 16, 17, 31, 63, 64, 65, 127, 128, 129, 2560, 6912, 1001}) {
    std::vector<float> x(n);
    float scale = std::pow(10.0f, rand_float(-6, 6));
    for (auto& v : x) v = rand_float(-1, 1) * scale;
    rows.push_back(x);
    // Values on exact half steps of the scale: many ties.
    std::vector<float> t(n);
    for (auto& v : t) v = static_cast<float>(rand_int(-254, 254)) * 0.5f;
    t[0] = 127.0f;
    rows.push_back(t);
  }
  return rows;
}

void test_quantizer() {
  for (const KernelTable* k : runnable_kernels()) {
    for (const auto& x : quantizer_inputs()) {
      std::vector<int8_t> want;
      int32_t want_sum;
      float want_s = spec_quantize(x, want, want_sum);
      std::vector<int8_t> q(x.size() + 1, 99);
      int32_t sum = -1;
      float s = k->quantize_row_i8(x.data(), static_cast<int>(x.size()), q.data(), &sum);
      CHECK(bits_of(s) == bits_of(want_s), "%s quantize n=%zu: scale %.9g want %.9g", k->name, x.size(), s, want_s);
      CHECK(sum == want_sum, "%s quantize n=%zu: sum %d want %d", k->name, x.size(), sum, want_sum);
      CHECK((x.empty() || std::memcmp(q.data(), want.data(), x.size()) == 0), "%s quantize n=%zu: codes differ", k->name, x.size());
      CHECK(q[x.size()] == 99, "%s quantize wrote past the end", k->name);
    }
  }
  // Ties at .5 round to even: with s = 1, 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -2.5 -> -2.
  std::vector<float> x = {127.0f, 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 3.5f};
  int8_t q[8];
  int32_t sum;
  float s = scalar_kernels().quantize_row_i8(x.data(), 8, q, &sum);
  const int8_t want[8] = {127, 0, 2, 2, 0, -2, -2, 4};
  CHECK(s == 1.0f && std::memcmp(q, want, 8) == 0 && sum == 131, "half-to-even ties");
}

void test_ternary_gemm() {
  const KernelTable& ref = scalar_kernels();
  struct Shape { int rows, cols; };
  std::vector<Shape> shapes = {{1, 128}, {7, 128}, {16, 128}, {17, 256}, {33, 384},
                               {48, 128}, {50, 640}, {64, 1024}, {130, 256}, {16, 2560}};
  for (int extra = 0; extra < 6; ++extra) shapes.push_back({rand_int(1, 200), 128 * rand_int(1, 8)});
  for (const Shape& sh : shapes) {
    const int rows = sh.rows, cols = sh.cols;
    std::vector<int> t(static_cast<size_t>(rows) * cols);
    // Biased weights sometimes, so sums get large; all +1 in one shape.
    int mode = rand_int(0, 3);
    for (auto& v : t) v = mode == 3 ? 1 : rand_int(-1, 1);
    std::vector<uint8_t> i2s = make_i2s(t, rows, cols);
    Aligned packed(ternary_packed_bytes(rows, cols));
    ternary_pack_i2s(i2s.data(), rows, cols, packed.p);
    TernaryMatrix w;
    w.rows = rows;
    w.cols = cols;
    w.scale = 1.0f;
    w.packed = packed.p;
    for (int n_tok : {1, 2, 3, 5, 8, 16, 17, 40, 77}) {
      std::vector<int8_t> q(static_cast<size_t>(n_tok) * cols);
      int qmode = rand_int(0, 2);
      for (auto& v : q) v = static_cast<int8_t>(qmode == 0 ? -128 : qmode == 1 ? 127 : rand_int(-128, 127));
      const int ld = rows + rand_int(0, 5);
      // The plain definition, from the unpacked weights.
      std::vector<int32_t> want(static_cast<size_t>(n_tok) * ld, 0);
      for (int tk = 0; tk < n_tok; ++tk)
        for (int r = 0; r < rows; ++r) {
          int32_t acc = 0;
          for (int c = 0; c < cols; ++c) acc += t[static_cast<size_t>(r) * cols + c] * q[static_cast<size_t>(tk) * cols + c];
          want[static_cast<size_t>(tk) * ld + r] = acc;
        }
      // Random group-aligned row range, plus the whole matrix.
      int groups = (rows + kTernaryRowGroup - 1) / kTernaryRowGroup;
      int g0 = rand_int(0, groups - 1), g1 = rand_int(g0 + 1, groups);
      int ranges[2][2] = {{0, rows}, {g0 * kTernaryRowGroup, std::min(rows, g1 * kTernaryRowGroup)}};
      for (const KernelTable* k : runnable_kernels()) {
        for (auto& range : ranges) {
          std::vector<int32_t> got(static_cast<size_t>(n_tok) * ld, 0x5a5a5a5a);
          k->ternary_gemm(w, q.data(), token_sums(q, cols).data(), n_tok, range[0], range[1], got.data(), ld);
          int bad = 0, stray = 0;
          for (int tk = 0; tk < n_tok; ++tk)
            for (int r = 0; r < ld; ++r) {
              int32_t g = got[static_cast<size_t>(tk) * ld + r];
              if (r >= range[0] && r < range[1]) bad += g != want[static_cast<size_t>(tk) * ld + r];
              else stray += g != 0x5a5a5a5a;
            }
          CHECK(bad == 0 && stray == 0, "%s ternary_gemm %dx%d n_tok=%d rows [%d,%d): %d wrong, %d written outside",
                k->name, rows, cols, n_tok, range[0], range[1], bad, stray);
        }
      }
      (void)ref;
    }
    // An empty row range writes nothing; packed weights need no alignment.
    Aligned shifted(ternary_packed_bytes(rows, cols) + 64);
    std::memcpy(shifted.p + 4, packed.p, ternary_packed_bytes(rows, cols));
    TernaryMatrix wu = w;
    wu.packed = shifted.p + 4;
    std::vector<int8_t> q(static_cast<size_t>(3) * cols);
    for (auto& v : q) v = static_cast<int8_t>(rand_int(-128, 127));
    std::vector<int32_t> want(static_cast<size_t>(3) * rows), got(want.size());
    ref.ternary_gemm(w, q.data(), token_sums(q, cols).data(), 3, 0, rows, want.data(), rows);
    for (const KernelTable* k : runnable_kernels()) {
      std::fill(got.begin(), got.end(), 17);
      k->ternary_gemm(w, q.data(), token_sums(q, cols).data(), 3, 0, 0, got.data(), rows);
      k->ternary_gemm(w, q.data(), token_sums(q, cols).data(), 1, 0, 0, got.data(), rows);
      CHECK(std::count(got.begin(), got.end(), 17) == static_cast<long>(got.size()), "%s empty range wrote", k->name);
      k->ternary_gemm(wu, q.data(), token_sums(q, cols).data(), 3, 0, rows, got.data(), rows);
      CHECK(got == want, "%s ternary_gemm on unaligned packed weights %dx%d", k->name, rows, cols);
      k->ternary_gemm(wu, q.data(), token_sums(q, cols).data(), 1, 0, rows, got.data(), rows);
      CHECK(std::equal(want.begin(), want.begin() + rows, got.begin()), "%s gemv on unaligned packed weights", k->name);
    }
  }
}

// Every token count from 1 to 33 (each token-block size of every table),
// on one ragged shape.
void test_ternary_gemm_all_token_counts() {
  const int rows = 37, cols = 256;
  std::vector<int> t(static_cast<size_t>(rows) * cols);
  for (auto& v : t) v = rand_int(-1, 1);
  std::vector<uint8_t> i2s = make_i2s(t, rows, cols);
  Aligned packed(ternary_packed_bytes(rows, cols));
  ternary_pack_i2s(i2s.data(), rows, cols, packed.p);
  TernaryMatrix w;
  w.rows = rows;
  w.cols = cols;
  w.packed = packed.p;
  for (int n_tok = 1; n_tok <= 33; ++n_tok) {
    std::vector<int8_t> q(static_cast<size_t>(n_tok) * cols);
    for (auto& v : q) v = static_cast<int8_t>(rand_int(-128, 127));
    std::vector<int32_t> want(static_cast<size_t>(n_tok) * rows);
    scalar_kernels().ternary_gemm(w, q.data(), token_sums(q, cols).data(), n_tok, 0, rows, want.data(), rows);
    for (const KernelTable* k : runnable_kernels()) {
      std::vector<int32_t> got(want.size(), 0);
      k->ternary_gemm(w, q.data(), token_sums(q, cols).data(), n_tok, 16, rows, got.data(), rows);
      bool ok = true;
      for (int tk = 0; tk < n_tok; ++tk)
        for (int r = 16; r < rows; ++r) ok &= got[tk * rows + r] == want[tk * rows + r];
      CHECK(ok, "%s ternary_gemm %dx%d n_tok=%d rows [16,%d)", k->name, rows, cols, n_tok, rows);
    }
  }
}

void test_i8_gemv() {
  for (int trial = 0; trial < 40; ++trial) {
    int rows = rand_int(1, 70), cols = trial < 3 ? 2560 : rand_int(1, 700);
    size_t lda = cols + rand_int(0, 9);
    std::vector<int8_t> a(rows * lda + 1), q(cols);
    int mode = trial % 4;
    for (auto& v : a) v = static_cast<int8_t>(mode == 0 ? -128 : rand_int(-128, 127));
    for (auto& v : q) v = static_cast<int8_t>(mode == 0 ? -128 : mode == 1 ? 127 : rand_int(-128, 127));
    int r0 = rand_int(0, rows - 1), r1 = rand_int(r0 + 1, rows);
    std::vector<int32_t> want(rows, 7);
    for (int r = r0; r < r1; ++r) {
      int32_t acc = 0;
      for (int c = 0; c < cols; ++c) acc += a[r * lda + c] * q[c];
      want[r] = acc;
    }
    for (const KernelTable* k : runnable_kernels()) {
      std::vector<int32_t> got(rows, 7);
      k->i8_gemv(a.data(), lda, cols, q.data(), r0, r1, got.data());
      CHECK(got == want, "%s i8_gemv %dx%d rows [%d,%d)", k->name, rows, cols, r0, r1);
    }
  }
}

// The 4-bit layout written a second way, straight from kernels.h: column c
// of a row lives in block c / 128, byte c % 64, low nibble when c % 128 < 64;
// padding holds code 8.
std::vector<uint8_t> spec_q4_row(const std::vector<int>& w, int cols) {
  std::vector<uint8_t> out((cols + 127) / 128 * 64, 0x88);
  for (int c = 0; c < cols; ++c) {
    uint8_t& b = out[(c / 128) * 64 + c % 64];
    int code = w[c] + 8;
    b = c % 128 < 64 ? static_cast<uint8_t>((b & 0xf0) | code) : static_cast<uint8_t>((b & 0x0f) | (code << 4));
  }
  return out;
}

void test_q4_layout() {
  CHECK(q4_row_bytes(2560) == 1280, "a 2560-column row takes 1,280 bytes");
  CHECK(q4_row_bytes(1) == 64 && q4_row_bytes(128) == 64 && q4_row_bytes(129) == 128, "rows round up to 64-byte blocks");
  for (int cols : {1, 63, 64, 65, 127, 128, 129, 300, 2560}) {
    std::vector<int> w(cols);
    std::vector<int8_t> w8(cols);
    for (int c = 0; c < cols; ++c) w8[c] = static_cast<int8_t>(w[c] = rand_int(-8, 7));
    std::vector<uint8_t> packed(q4_row_bytes(cols), 0x11);
    q4_pack_row(w8.data(), cols, packed.data());
    CHECK(packed == spec_q4_row(w, cols), "q4_pack_row of %d columns follows the layout in kernels.h", cols);
    int bad = 0;
    for (int c = 0; c < cols; ++c) bad += q4_at(packed.data(), c) != w[c];
    CHECK(bad == 0, "q4_at reads back the %d weights packed", cols);
  }
}

void test_q4_gemv() {
  for (int trial = 0; trial < 40; ++trial) {
    int rows = rand_int(1, 70), cols = trial < 3 ? 2560 : trial < 6 ? 128 * rand_int(1, 5) : rand_int(1, 700);
    size_t lda = q4_row_bytes(cols) + 64 * rand_int(0, 2) + rand_int(0, 9);
    int mode = trial % 4;
    // Weights row-major, every code 0..15 (weight -8..7) included.
    std::vector<int> w(static_cast<size_t>(rows) * cols);
    for (auto& v : w) v = mode == 0 ? -8 : mode == 1 ? 7 : rand_int(-8, 7);
    std::vector<uint8_t> a(rows * lda + 64, 0x5a);
    for (int r = 0; r < rows; ++r) {
      std::vector<uint8_t> row = spec_q4_row(std::vector<int>(w.begin() + r * cols, w.begin() + (r + 1) * cols), cols);
      std::copy(row.begin(), row.end(), a.begin() + r * lda);
    }
    std::vector<int8_t> q(cols);
    for (auto& v : q) v = static_cast<int8_t>(mode == 0 ? -128 : mode == 1 ? 127 : rand_int(-128, 127));
    int r0 = rand_int(0, rows - 1), r1 = rand_int(r0 + 1, rows);
    std::vector<int32_t> want(rows, 7);
    for (int r = r0; r < r1; ++r) {
      int32_t acc = 0;
      for (int c = 0; c < cols; ++c) acc += w[r * cols + c] * q[c];
      want[r] = acc;
    }
    for (const KernelTable* k : runnable_kernels()) {
      std::vector<int32_t> got(rows, 7);
      k->q4_gemv(a.data(), lda, cols, q.data(), r0, r1, got.data());
      CHECK(got == want, "%s q4_gemv %dx%d rows [%d,%d) equals the plain sum of weights times q", k->name, rows, cols,
            r0, r1);
    }
  }
}

void test_f16_kernels() {
  const KernelTable& ref = scalar_kernels();
  for (int trial = 0; trial < 60; ++trial) {
    int rows = rand_int(1, 40), cols = trial < 3 ? 2560 : trial < 5 ? 1024 + rand_int(1, 40) : rand_int(1, 300);
    size_t lda = cols + rand_int(0, 9);
    std::vector<uint16_t> a(rows * lda + 1);
    std::vector<float> x(cols);
    for (auto& v : a) v = f32_to_f16(rand_float(-2, 2) * (trial % 5 == 0 ? 3e4f : 1.0f));
    for (auto& v : x) v = rand_float(-3, 3);
    int r0 = rand_int(0, rows - 1), r1 = rand_int(r0 + 1, rows);
    std::vector<float> want(rows, -7.0f);
    ref.f16_gemv(a.data(), lda, cols, x.data(), r0, r1, want.data());
    // The reference itself against a plain double sum (accuracy sanity).
    for (int r = r0; r < r1; ++r) {
      double d = 0, mag = 0;
      for (int c = 0; c < cols; ++c) {
        d += static_cast<double>(f16_to_f32(a[r * lda + c])) * x[c];
        mag += std::fabs(static_cast<double>(f16_to_f32(a[r * lda + c])) * x[c]);
      }
      CHECK(std::fabs(want[r] - d) <= 1e-5 * mag + 1e-30, "scalar f16_gemv accuracy row %d: %g vs %g", r, want[r], d);
    }
    for (const KernelTable* k : runnable_kernels()) {
      std::vector<float> got(rows, -7.0f);
      k->f16_gemv(a.data(), lda, cols, x.data(), r0, r1, got.data());
      int bad = 0;
      for (int r = 0; r < rows; ++r) bad += bits_of(got[r]) != bits_of(want[r]);
      CHECK(bad == 0, "%s f16_gemv %dx%d rows [%d,%d): %d rows differ", k->name, rows, cols, r0, r1, bad);
    }
  }
  // f16_gemv_many equals f16_gemv called once per vector, in every table.
  for (int trial = 0; trial < 60; ++trial) {
    int rows = rand_int(1, 40), cols = trial < 3 ? 128 : rand_int(1, 300), n_x = 1 + trial % kGemvManyMax;
    size_t lda = cols + rand_int(0, 9), ldx = cols + rand_int(0, 5), ldo = rows + rand_int(0, 5);
    std::vector<uint16_t> a(rows * lda + 1);
    std::vector<float> x(n_x * ldx);
    for (auto& v : a) v = f32_to_f16(rand_float(-2, 2));
    for (auto& v : x) v = rand_float(-3, 3);
    int r0 = rand_int(0, rows - 1), r1 = rand_int(r0 + 1, rows);
    std::vector<float> want(n_x * ldo, -7.0f);
    for (int j = 0; j < n_x; ++j) ref.f16_gemv(a.data(), lda, cols, x.data() + j * ldx, r0, r1, want.data() + j * ldo);
    for (const KernelTable* k : runnable_kernels()) {
      std::vector<float> got(n_x * ldo, -7.0f);
      k->f16_gemv_many(a.data(), lda, cols, x.data(), ldx, n_x, r0, r1, got.data(), ldo);
      int bad = 0;
      for (size_t i = 0; i < got.size(); ++i) bad += bits_of(got[i]) != bits_of(want[i]);
      CHECK(bad == 0, "%s f16_gemv_many %d vectors, %dx%d rows [%d,%d): %d values differ", k->name, n_x, rows, cols,
            r0, r1, bad);
    }
  }
  // f16_gemv_lanes over column blocks that start at multiples of 16, the
  // last one reducing, equals f16_gemv, in every table.
  for (int trial = 0; trial < 60; ++trial) {
    int rows = rand_int(1, 40), cols = trial < 3 ? 300 : rand_int(1, 300), n_x = 1 + trial % kGemvManyMax;
    int block = 16 * rand_int(1, 5);
    size_t lda = cols + rand_int(0, 9), ldx = cols + rand_int(0, 5);
    std::vector<uint16_t> a(rows * lda + 1);
    std::vector<float> x(n_x * ldx);
    for (auto& v : a) v = f32_to_f16(rand_float(-2, 2));
    for (auto& v : x) v = rand_float(-3, 3);
    std::vector<float> want(n_x * rows);
    for (int j = 0; j < n_x; ++j) ref.f16_gemv(a.data(), lda, cols, x.data() + j * ldx, 0, rows, want.data() + j * rows);
    for (const KernelTable* k : runnable_kernels()) {
      std::vector<float> lanes(n_x * rows * 16, 0.0f), got(n_x * rows);
      for (int c0 = 0; c0 < cols; c0 += block) {
        const bool last = c0 + block >= cols;
        k->f16_gemv_lanes(a.data() + c0, lda, std::min(block, cols - c0), x.data() + c0, ldx, n_x, rows, lanes.data(),
                          last ? got.data() : nullptr);
      }
      int bad = 0;
      for (size_t i = 0; i < got.size(); ++i) bad += bits_of(got[i]) != bits_of(want[i]);
      CHECK(bad == 0, "%s f16_gemv_lanes %d vectors, %dx%d in blocks of %d: %d values differ", k->name, n_x, rows,
            cols, block, bad);
    }
  }
  // The scalar f16_gemv's order, spelled out for a 20-column row.
  std::vector<uint16_t> a(20);
  std::vector<float> x(20);
  for (int c = 0; c < 20; ++c) {
    a[c] = f32_to_f16(rand_float(-1, 1));
    x[c] = rand_float(-1, 1);
  }
  float acc[16] = {0};
  for (int c = 0; c < 20; ++c) acc[c % 16] = fma_f32(f16_to_f32(a[c]), x[c], acc[c % 16]);
  for (int l = 0; l < 8; ++l) acc[l] += acc[l + 8];
  for (int l = 0; l < 4; ++l) acc[l] += acc[l + 4];
  float s2a = acc[0] + acc[2], s2b = acc[1] + acc[3];
  float want = s2a + s2b, got;
  ref.f16_gemv(a.data(), 20, 20, x.data(), 0, 1, &got);
  CHECK(bits_of(got) == bits_of(want), "documented f16_gemv order");
}

void test_f16_conversions() {
  // Every half widens and narrows back to itself (NaNs stay NaNs).
  int bad = 0;
  for (uint32_t h = 0; h < 65536; ++h) {
    float f = f16_to_f32(static_cast<uint16_t>(h));
    uint16_t back = f32_to_f16(f);
    bool nan = ((h >> 10) & 0x1f) == 0x1f && (h & 0x3ff);
    if (nan ? !std::isnan(f) || (back & 0x7c00) != 0x7c00 || !(back & 0x3ff) : back != h) ++bad;
  }
  CHECK(bad == 0, "f16 round trip: %d halves differ", bad);
  CHECK(f16_to_f32(0x3c00) == 1.0f && f16_to_f32(0xc000) == -2.0f && f16_to_f32(0x0001) == std::ldexp(1.0f, -24),
        "f16 widening of 1, -2, smallest subnormal");
  // Narrowing: ties to even, overflow to infinity, underflow to zero.
  CHECK(f32_to_f16(1.0f + std::ldexp(1.0f, -11)) == 0x3c00, "tie rounds down to even");
  CHECK(f32_to_f16(1.0f + 3 * std::ldexp(1.0f, -11)) == 0x3c02, "tie rounds up to even");
  CHECK(f32_to_f16(65520.0f) == 0x7c00 && f32_to_f16(65519.0f) == 0x7bff, "overflow threshold");
  CHECK(f32_to_f16(std::ldexp(1.0f, -25)) == 0 && f32_to_f16(std::ldexp(1.5f, -25)) == 1, "subnormal rounding");
  CHECK(f32_to_f16(std::numeric_limits<float>::infinity()) == 0x7c00, "infinity");
  // Random floats against the exact rule: the nearest half, ties to even.
  for (int i = 0; i < 200000; ++i) {
    uint32_t u = static_cast<uint32_t>(rng());
    float f;
    std::memcpy(&f, &u, 4);
    if (std::isnan(f)) continue;
    uint16_t h = f32_to_f16(f);
    double fd = f, hd = f16_to_f32(h);
    if (std::isinf(hd)) {
      bad += std::fabs(fd) < 65520.0;
      continue;
    }
    // The neighbour half on the far side must not be closer.
    uint16_t up = static_cast<uint16_t>(h + 1), down = static_cast<uint16_t>(h - 1);
    for (uint16_t n : {up, down}) {
      if ((n & 0x7fff) > 0x7c00 || ((n ^ h) & 0x8000)) continue;
      double nd = f16_to_f32(n);
      double e0 = std::fabs(hd - fd), e1 = std::fabs(nd - fd);
      if (e1 < e0 || (e1 == e0 && (h & 1))) ++bad;
    }
  }
  CHECK(bad == 0, "f32_to_f16 nearest-even: %d wrong", bad);
}

#if defined(__x86_64__) || defined(_M_X64)
__attribute__((target("fma"))) float fma_instruction(float a, float b, float c) {
  return _mm_cvtss_f32(_mm_fmadd_ss(_mm_set_ss(a), _mm_set_ss(b), _mm_set_ss(c)));
}
#else
// arm64's base ISA has FMA: GCC emits the fmadd instruction for std::fma.
float fma_instruction(float a, float b, float c) { return std::fma(a, b, c); }
#endif

float float_of_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// fma_f32 rounds once, exactly as the FMA instruction (MinGW-w64's fmaf does
// not); so does the portable double version behind it on Windows.
void test_fma_rounds_once() {
#if defined(__x86_64__) || defined(_M_X64)
  if (!cpu_features().fma) {
    std::printf("no FMA instruction on this CPU: fma_f32 not checked against it\n");
    return;
  }
#endif
  int bad = 0, bad_portable = 0;
  auto check = [&](float a, float b, float c) {
    uint32_t want = bits_of(fma_instruction(a, b, c));
    uint32_t got = bits_of(fma_f32(a, b, c)), portable = bits_of(fma_f32_via_double(a, b, c));
    bool nan = std::isnan(float_of_bits(want));
    bad += nan ? !std::isnan(float_of_bits(got)) : got != want;
    bad_portable += nan ? !std::isnan(float_of_bits(portable)) : portable != want;
  };
  for (int i = 0; i < 1000000; ++i) {
    // Any bit patterns (infinities, NaNs, subnormals), then operands of one
    // scale, then c cancelling the rounded product (the result is the
    // product's rounding error, which only a fused operation keeps).
    float a = float_of_bits(static_cast<uint32_t>(rng())), b = float_of_bits(static_cast<uint32_t>(rng()));
    check(a, b, float_of_bits(static_cast<uint32_t>(rng())));
    a = rand_float(-3, 3), b = rand_float(-3, 3);
    check(a, b, rand_float(-3, 3));
    check(a, b, -(a * b));
    check(a, b, -(a * b) * (1 + rand_float(-1e-6f, 1e-6f)));
    check(a * 1e-20f, b * 1e-20f, -(a * 1e-20f * b * 1e-20f));  // results in the subnormal range
  }
  check(0.0f, -1.0f, 0.0f);   // +0 + -0 is +0
  check(-0.0f, 1.0f, -0.0f);  // -0 + -0 is -0
  check(3e38f, 10.0f, -3e38f * 10.0f);
  CHECK(bad == 0, "fma_f32 differs from the FMA instruction in %d cases", bad);
  CHECK(bad_portable == 0, "fma_f32_via_double differs from the FMA instruction in %d cases", bad_portable);
}

void test_dispatch() {
  auto tables = runnable_kernels();
  CHECK(!tables.empty() && std::string(tables[0]->name) == "scalar", "scalar comes first");
  bool found = false;
  for (auto* t : tables) found |= t == &best_kernels();
  CHECK(found, "best_kernels is one of the runnable tables");
  std::printf("kernel tables:");
  for (auto* t : tables) std::printf(" %s", t->name);
  std::printf(" (best: %s)\n", best_kernels().name);
}

}  // namespace

int main() {
  test_dispatch();
  test_i2s_worked_example();
  test_pack_round_trip();
  test_f16_conversions();
  test_fma_rounds_once();
  test_quantizer();
  test_ternary_gemm();
  test_ternary_gemm_all_token_counts();
  test_i8_gemv();
  test_q4_layout();
  test_q4_gemv();
  test_f16_kernels();
  if (failures) {
    std::fprintf(stderr, "%d failure(s)\n", failures);
    return 1;
  }
  std::printf("kernels_test: all passed\n");
  return 0;
}
