#pragma once
// A model file mapped read-only. The engine copies what it keeps out of it at
// load (repacked ternary weights, norms, the int8 head) and then tells the OS
// it will not need those pages again; only the F16 embedding rows stay in use.

#include <cstddef>
#include <cstdint>
#include <string>

namespace bitnet {

class MappedFile {
 public:
  explicit MappedFile(const std::string& path);  // throws EngineError
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return data_; }
  uint64_t size() const { return size_; }

  // Drops the pages of [offset, offset + bytes) from this process; reading
  // them again faults them back in from the file, so this is only a hint.
  void release(uint64_t offset, uint64_t bytes) const;
  // Hints that [offset, offset + bytes) will be read once, in order.
  void will_read_sequentially(uint64_t offset, uint64_t bytes) const;

 private:
  const uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
};

}  // namespace bitnet
