// The Windows mapping; POSIX systems have theirs in mapped_file.cc.
#ifdef _WIN32
#include "engine/mapped_file.h"

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

// Closes a handle when it goes out of scope; the view outlives both handles.
struct Handle {
  HANDLE h;
  ~Handle() {
    if (h && h != INVALID_HANDLE_VALUE) CloseHandle(h);
  }
};

uint64_t page_size() {
  static const uint64_t size = [] {
    SYSTEM_INFO info;
    GetSystemInfo(&info);
    return static_cast<uint64_t>(info.dwPageSize);
  }();
  return size;
}

}  // namespace

MappedFile::MappedFile(const std::string& path) {
  // FILE_SHARE_DELETE: other programs may still rename or delete the file
  // (as far as Windows allows it while a view is mapped), as on POSIX systems.
  Handle file{CreateFileW(widen(path).c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, nullptr,
                          OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr)};
  if (file.h == INVALID_HANDLE_VALUE) {
    throw EngineError(kIoError, "cannot open model file " + path + ": " + error_text(GetLastError()));
  }
  BY_HANDLE_FILE_INFORMATION info;
  if (GetFileType(file.h) != FILE_TYPE_DISK || !GetFileInformationByHandle(file.h, &info) ||
      (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) {
    throw EngineError(kIoError, "model file " + path + " is not a regular file");
  }
  size_ = static_cast<uint64_t>(info.nFileSizeHigh) << 32 | info.nFileSizeLow;
  if (size_ == 0) throw EngineError(kBadModel, "model file " + path + " is empty");
  Handle mapping{CreateFileMappingW(file.h, nullptr, PAGE_READONLY, 0, 0, nullptr)};
  void* p = mapping.h ? MapViewOfFile(mapping.h, FILE_MAP_READ, 0, 0, 0) : nullptr;
  if (!p) throw EngineError(kIoError, "cannot map model file " + path + ": " + error_text(GetLastError()));
  data_ = static_cast<const uint8_t*>(p);
}

MappedFile::~MappedFile() {
  if (data_) UnmapViewOfFile(data_);
}

void MappedFile::release(uint64_t offset, uint64_t bytes) const {
  if (bytes == 0 || offset >= size_) return;
  // Only whole pages inside the range, as on POSIX systems.
  uint64_t ps = page_size();
  uint64_t begin = (offset + ps - 1) / ps * ps;
  uint64_t end = offset + bytes > size_ ? size_ : offset + bytes;
  end = end / ps * ps;
  if (end <= begin) return;
  // VirtualUnlock on pages that were never locked takes them out of the
  // working set (and fails with ERROR_NOT_LOCKED, which is expected).
  VirtualUnlock(const_cast<uint8_t*>(data_) + begin, end - begin);
}

void MappedFile::will_read_sequentially(uint64_t offset, uint64_t bytes) const {
  if (bytes == 0 || offset >= size_) return;
  uint64_t ps = page_size();
  uint64_t begin = offset / ps * ps;
  uint64_t end = offset + bytes > size_ ? size_ : offset + bytes;
  WIN32_MEMORY_RANGE_ENTRY range{const_cast<uint8_t*>(data_) + begin, static_cast<SIZE_T>(end - begin)};
  PrefetchVirtualMemory(GetCurrentProcess(), 1, &range, 0);  // only a hint
}

}  // namespace bitnet
#endif  // _WIN32
