#pragma once
// The one assertion the native test programs share: report the failure with
// its place and go on (so one run shows several), give up after 20.
#include <cstdio>
#include <cstdlib>

namespace bitnet_test {
inline int failures = 0;
}

#define CHECK(cond, ...)                                                        \
  do {                                                                          \
    if (!(cond)) {                                                              \
      std::fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                 \
      std::fprintf(stderr, __VA_ARGS__);                                        \
      std::fprintf(stderr, "\n");                                               \
      if (++bitnet_test::failures > 20) std::exit(1);                           \
    }                                                                           \
  } while (0)
