#pragma once
// A heap array aligned to 64 bytes (a cache line; what SIMD loads like).
// Allocated once; never on the stack.

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "engine/aligned_memory.h"
#include "engine/engine_error.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace bitnet {

template <typename T>
class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  explicit AlignedBuffer(size_t count) { reset(count); }
  ~AlignedBuffer() { aligned_memory_free(data_); }
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;
  AlignedBuffer(AlignedBuffer&& o) noexcept : data_(o.data_), size_(o.size_) {
    o.data_ = nullptr;
    o.size_ = 0;
  }
  AlignedBuffer& operator=(AlignedBuffer&& o) noexcept {
    if (this != &o) {
      aligned_memory_free(data_);
      data_ = o.data_;
      size_ = o.size_;
      o.data_ = nullptr;
      o.size_ = 0;
    }
    return *this;
  }

  // Replaces the contents with `count` uninitialised elements. Not zeroed on
  // purpose: a large buffer (the KV cache) then only costs memory once used.
  // `huge_pages`: for the weights, which decoding streams in full every
  // token. 2 MiB pages spare it most TLB misses (about 20% less decode time
  // measured on the 2B4T shape) at the price of a slower first touch at load
  // (the kernel may compact memory to find them). Only a hint.
  void reset(size_t count, bool huge_pages = false) {
    aligned_memory_free(data_);
    data_ = nullptr;
    size_ = 0;
    if (count == 0) return;
    if (count > (SIZE_MAX - (size_t{2} << 20)) / sizeof(T)) throw EngineError(kNoMemory, "allocation size overflows");
    const size_t kHuge = size_t{2} << 20;
    const bool huge = huge_pages && count * sizeof(T) >= 4 * kHuge;
    const size_t align = huge ? kHuge : 64;
    size_t bytes = (count * sizeof(T) + align - 1) / align * align;
    void* p = aligned_memory_alloc(align, bytes);
    if (!p) throw EngineError(kNoMemory, "out of memory allocating " + std::to_string(bytes) + " bytes");
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (huge) madvise(p, bytes, MADV_HUGEPAGE);
#endif
    // Windows has no such hint: its large pages need the "Lock pages in
    // memory" privilege, which users do not have by default.
    data_ = static_cast<T*>(p);
    size_ = count;
  }

  T* data() { return data_; }
  const T* data() const { return data_; }
  size_t size() const { return size_; }
  size_t bytes() const { return size_ * sizeof(T); }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }

 private:
  T* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace bitnet
