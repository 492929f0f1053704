#pragma once
// a * b + c rounded once, as the FMA instruction and C's fmaf (by the C standard) do.
// std::fma does exactly that with glibc's and Apple's libm, but MinGW-w64's
// fmaf does not fuse (it differed from the FMA instruction in 23% of random
// cases), so Windows builds compute it in double instead.

#include <cmath>
#include <cstdint>
#include <cstring>

namespace bitnet {

// The product of two floats has at most 48 significant bits, so it is exact
// in double. The sum is rounded to odd (a lost remainder is kept as a set
// last bit, Boldo and Melquiond's rounding), and rounding that to float
// then gives the correctly rounded result: double has more than the 24 + 2
// bits this needs. Portable C++; tests hold it against the instruction.
inline float fma_f32_via_double(float a, float b, float c) {
  const double p = static_cast<double>(a) * b;
  const double s = p + c;
  if (!std::isfinite(s)) return static_cast<float>(s);
  // The rounding error of the sum, exactly (Knuth's two-sum).
  const double bb = s - p;
  const double err = (p - (s - bb)) + (c - bb);
  uint64_t bits;
  std::memcpy(&bits, &s, sizeof bits);
  if (err != 0 && (bits & 1) == 0) {
    bits += (s > 0) == (err > 0) ? 1 : -1;  // one step towards the lost remainder
    double odd;
    std::memcpy(&odd, &bits, sizeof odd);
    return static_cast<float>(odd);
  }
  return static_cast<float>(s);
}

inline float fma_f32(float a, float b, float c) {
#ifdef _WIN32
  return fma_f32_via_double(a, b, c);
#else
  return std::fma(a, b, c);
#endif
}

}  // namespace bitnet
