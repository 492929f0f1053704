#pragma once
// Aligned heap blocks on every platform. Windows' C runtime has no
// std::aligned_alloc, and a block from its _aligned_malloc must go back
// through _aligned_free, never free().

#include <cstddef>
#include <cstdlib>

#ifdef _WIN32
#include <malloc.h>
#endif

namespace bitnet {

// `align` is a power of two; `bytes` a multiple of it. Null when out of memory.
inline void* aligned_memory_alloc(size_t align, size_t bytes) {
#ifdef _WIN32
  return _aligned_malloc(bytes, align);
#else
  return std::aligned_alloc(align, bytes);
#endif
}

inline void aligned_memory_free(void* p) {
#ifdef _WIN32
  _aligned_free(p);
#else
  std::free(p);
#endif
}

}  // namespace bitnet
