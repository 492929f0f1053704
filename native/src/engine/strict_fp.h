#pragma once
// Included first by every engine source that does float math: forbids the
// compiler from fusing a*b+c into one FMA (GCC does so by default whenever
// the target has FMA, even in ISO C++ mode, e.g. in the AVX-512 clones of
// ops.cc). docs/exactness.md asks for one rounding per operation; where the
// reference fuses (RoPE) the code calls fma_f32 explicitly.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
