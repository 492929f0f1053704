// The POSIX mapping; Windows has its own in mapped_file_win32.cc.
#ifndef _WIN32
#include "engine/mapped_file.h"

#include <cerrno>
#include <cstring>

#include "engine/engine_error.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bitnet {

namespace {

uint64_t page_size() {
  static const uint64_t size = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  return size;
}

}  // namespace

MappedFile::MappedFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw EngineError(kIoError, "cannot open model file " + path + ": " + std::strerror(errno));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw EngineError(kIoError, "model file " + path + " is not a regular file");
  }
  size_ = static_cast<uint64_t>(st.st_size);
  if (size_ == 0) {
    ::close(fd);
    throw EngineError(kBadModel, "model file " + path + " is empty");
  }
  void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
  int err = errno;
  ::close(fd);  // the mapping keeps the file alive
  if (p == MAP_FAILED) {
    throw EngineError(kIoError, "cannot map model file " + path + ": " + std::strerror(err));
  }
  data_ = static_cast<const uint8_t*>(p);
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<uint8_t*>(data_), size_);
}

void MappedFile::release(uint64_t offset, uint64_t bytes) const {
  if (bytes == 0 || offset >= size_) return;
  // Only whole pages inside the range, so a page shared with a tensor that
  // is still in use (the embedding) is left alone.
  uint64_t ps = page_size();
  uint64_t begin = (offset + ps - 1) / ps * ps;
  uint64_t end = offset + bytes > size_ ? size_ : offset + bytes;
  end = end / ps * ps;
  if (end <= begin) return;
  ::madvise(const_cast<uint8_t*>(data_) + begin, end - begin, MADV_DONTNEED);
}

void MappedFile::will_read_sequentially(uint64_t offset, uint64_t bytes) const {
  if (bytes == 0 || offset >= size_) return;
  uint64_t ps = page_size();
  uint64_t begin = offset / ps * ps;
  uint64_t end = offset + bytes > size_ ? size_ : offset + bytes;
  ::madvise(const_cast<uint8_t*>(data_) + begin, end - begin, MADV_SEQUENTIAL);
}

}  // namespace bitnet
#endif  // _WIN32
