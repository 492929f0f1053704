// The POSIX model file; Windows has its own in model_file_win32.cc.
#ifndef _WIN32
#include "engine/model_file.h"

#include <cerrno>
#include <cstring>

#include "engine/engine_error.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bitnet {

namespace {

struct Identity {
  uint64_t size;
  int64_t sec, nsec;
};

bool identity_of(int fd, Identity* out) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return false;
#if defined(__APPLE__)
  out->sec = st.st_mtimespec.tv_sec;
  out->nsec = st.st_mtimespec.tv_nsec;
#else
  out->sec = st.st_mtim.tv_sec;
  out->nsec = st.st_mtim.tv_nsec;
#endif
  out->size = static_cast<uint64_t>(st.st_size);
  return true;
}

}  // namespace

ModelFile::ModelFile(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    throw EngineError(kIoError, "cannot open model file " + path + ": " + std::strerror(errno));
  }
  struct stat st;
  Identity id;
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode) || !identity_of(fd_, &id)) {
    ::close(fd_);
    throw EngineError(kIoError, "model file " + path + " is not a regular file");
  }
  size_ = id.size;
  mtime_sec_ = id.sec;
  mtime_nsec_ = id.nsec;
  if (size_ == 0) {
    ::close(fd_);
    throw EngineError(kBadModel, "model file " + path + " is empty");
  }
}

ModelFile::~ModelFile() {
  if (fd_ >= 0) ::close(fd_);
}

void ModelFile::read(uint64_t offset, uint64_t bytes, void* dst) const {
  auto* out = static_cast<uint8_t*>(dst);
  while (bytes > 0) {
    ssize_t n = ::pread(fd_, out, bytes, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw EngineError(kIoError, "cannot read model file " + path_ + ": " + std::strerror(errno));
    if (n == 0) fail_changed("it is shorter than when it was loaded");
    out += n;
    offset += static_cast<uint64_t>(n);
    bytes -= static_cast<uint64_t>(n);
  }
}

void ModelFile::check_unchanged() const {
  Identity id;
  if (!identity_of(fd_, &id)) fail_changed("it cannot be examined any more");
  if (id.size != size_) {
    fail_changed("its size went from " + std::to_string(size_) + " to " + std::to_string(id.size) + " bytes");
  }
  if (id.sec != mtime_sec_ || id.nsec != mtime_nsec_) fail_changed("it was written to");
}

void ModelFile::will_read_sequentially() const {
#if defined(POSIX_FADV_SEQUENTIAL)
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
}

void ModelFile::fail_changed(const std::string& what) const {
  throw EngineError(kModelChanged, "the model file changed on disk while in use (" + what + "): " + path_);
}

}  // namespace bitnet
#endif  // _WIN32
