// The Windows model file; POSIX systems have theirs in model_file.cc.
#ifdef _WIN32
#include "engine/model_file.h"

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

#include "engine/engine_error.h"

namespace bitnet {

namespace {

// Paths arrive as UTF-8 (from JS); the ANSI file functions would mangle any
// character outside the user's code page, as in C:\Users\José.
std::wstring widen(const std::string& utf8) {
  if (utf8.empty()) return std::wstring();
  int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
  if (n <= 0) throw EngineError(kIoError, "model file path is not valid UTF-8: " + utf8);
  std::wstring wide(static_cast<size_t>(n), L'\0');
  MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8.data(), static_cast<int>(utf8.size()), &wide[0], n);
  return wide;
}

// The system's message for an error code, like strerror.
std::string error_text(DWORD code) {
  char* text = nullptr;
  DWORD n = FormatMessageA(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                           nullptr, code, 0, reinterpret_cast<char*>(&text), 0, nullptr);
  std::string s = n && text ? std::string(text, n) : "error " + std::to_string(code);
  if (text) LocalFree(text);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == '.')) s.pop_back();
  return s;
}

struct Identity {
  uint64_t size;
  int64_t mtime;
};

bool identity_of(HANDLE h, Identity* out) {
  BY_HANDLE_FILE_INFORMATION info;
  if (!GetFileInformationByHandle(h, &info)) return false;
  out->size = static_cast<uint64_t>(info.nFileSizeHigh) << 32 | info.nFileSizeLow;
  out->mtime = static_cast<int64_t>(static_cast<uint64_t>(info.ftLastWriteTime.dwHighDateTime) << 32 |
                                    info.ftLastWriteTime.dwLowDateTime);
  return true;
}

}  // namespace

ModelFile::ModelFile(const std::string& path) : path_(path) {
  // FILE_SHARE_DELETE: other programs may still rename or delete the file, as
  // on POSIX systems; without FILE_SHARE_WRITE none may write to it meanwhile.
  HANDLE h = CreateFileW(widen(path).c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                         FILE_ATTRIBUTE_NORMAL | FILE_FLAG_SEQUENTIAL_SCAN, nullptr);
  if (h == INVALID_HANDLE_VALUE) {
    throw EngineError(kIoError, "cannot open model file " + path + ": " + error_text(GetLastError()));
  }
  handle_ = h;
  BY_HANDLE_FILE_INFORMATION info;
  Identity id;
  if (GetFileType(h) != FILE_TYPE_DISK || !GetFileInformationByHandle(h, &info) ||
      (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) || !identity_of(h, &id)) {
    CloseHandle(h);
    throw EngineError(kIoError, "model file " + path + " is not a regular file");
  }
  size_ = id.size;
  mtime_sec_ = id.mtime;
  if (size_ == 0) {
    CloseHandle(h);
    throw EngineError(kBadModel, "model file " + path + " is empty");
  }
}

ModelFile::~ModelFile() {
  if (handle_) CloseHandle(static_cast<HANDLE>(handle_));
}

void ModelFile::read(uint64_t offset, uint64_t bytes, void* dst) const {
  auto* out = static_cast<uint8_t*>(dst);
  while (bytes > 0) {
    // An explicit offset per call, so threads may read at once (like pread).
    OVERLAPPED at = {};
    at.Offset = static_cast<DWORD>(offset);
    at.OffsetHigh = static_cast<DWORD>(offset >> 32);
    const DWORD want = bytes > (DWORD{1} << 30) ? (DWORD{1} << 30) : static_cast<DWORD>(bytes);
    DWORD got = 0;
    if (!ReadFile(static_cast<HANDLE>(handle_), out, want, &got, &at)) {
      DWORD err = GetLastError();
      if (err == ERROR_HANDLE_EOF) fail_changed("it is shorter than when it was loaded");
      throw EngineError(kIoError, "cannot read model file " + path_ + ": " + error_text(err));
    }
    if (got == 0) fail_changed("it is shorter than when it was loaded");
    out += got;
    offset += got;
    bytes -= got;
  }
}

void ModelFile::check_unchanged() const {
  Identity id;
  if (!identity_of(static_cast<HANDLE>(handle_), &id)) fail_changed("it cannot be examined any more");
  if (id.size != size_) {
    fail_changed("its size went from " + std::to_string(size_) + " to " + std::to_string(id.size) + " bytes");
  }
  if (id.mtime != mtime_sec_) fail_changed("it was written to");
}

void ModelFile::will_read_sequentially() const {}  // FILE_FLAG_SEQUENTIAL_SCAN said so at open

void ModelFile::fail_changed(const std::string& what) const {
  throw EngineError(kModelChanged, "the model file changed on disk while in use (" + what + "): " + path_);
}

}  // namespace bitnet
#endif  // _WIN32
