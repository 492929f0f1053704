#include "engine/f16_rows.h"

#include "cpu_features.h"
#include "kernels/kernels.h"

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
#define BITNET_F16C 1
#include <immintrin.h>
#endif

namespace bitnet {

#ifdef BITNET_F16C
namespace {

bool has_f16c() {
  static const bool yes = cpu_features().f16c && cpu_features().avx2;
  return yes;
}

constexpr int kRne = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;

__attribute__((target("avx2,f16c"))) void to_f16_f16c(const float* x, int n, uint16_t* out, size_t stride) {
  int i = 0;
  alignas(16) uint16_t tmp[8];
  for (; i + 8 <= n; i += 8) {
    __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(x + i), kRne);
    if (stride == 1) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), h);
    } else {
      _mm_store_si128(reinterpret_cast<__m128i*>(tmp), h);
      for (int k = 0; k < 8; ++k) out[static_cast<size_t>(i + k) * stride] = tmp[k];
    }
  }
  for (; i < n; ++i) out[static_cast<size_t>(i) * stride] = f32_to_f16(x[i]);
}

__attribute__((target("avx2,f16c"))) void to_f32_f16c(const uint16_t* h, int n, float* out) {
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i));
    _mm256_storeu_ps(out + i, _mm256_cvtph_ps(v));
  }
  for (; i < n; ++i) out[i] = f16_to_f32(h[i]);
}

__attribute__((target("avx2,f16c"))) void round_f16c(const float* x, int n, float* out) {
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(x + i), kRne);
    _mm256_storeu_ps(out + i, _mm256_cvtph_ps(h));
  }
  for (; i < n; ++i) out[i] = f16_to_f32(f32_to_f16(x[i]));
}

}  // namespace
#endif

void f32_to_f16_row(const float* x, int n, uint16_t* out, size_t stride) {
#ifdef BITNET_F16C
  if (has_f16c()) return to_f16_f16c(x, n, out, stride);
#endif
  for (int i = 0; i < n; ++i) out[static_cast<size_t>(i) * stride] = f32_to_f16(x[i]);
}

void f16_to_f32_row(const uint16_t* h, int n, float* out) {
#ifdef BITNET_F16C
  if (has_f16c()) return to_f32_f16c(h, n, out);
#endif
  for (int i = 0; i < n; ++i) out[i] = f16_to_f32(h[i]);
}

void round_through_f16(const float* x, int n, float* out) {
#ifdef BITNET_F16C
  if (has_f16c()) return round_f16c(x, n, out);
#endif
  for (int i = 0; i < n; ++i) out[i] = f16_to_f32(f32_to_f16(x[i]));
}

}  // namespace bitnet
