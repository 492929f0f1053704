#pragma once
// The model file, read with pread() (ReadFile on Windows) and never mapped.
// A mapping turns a file truncated or rewritten while in use into SIGBUS,
// which kills the whole process (in VS Code, the extension host and every
// extension in it). A read instead comes back short, and fstat shows a
// rewrite, so the engine throws MODEL_CHANGED and the caller loads the model
// again. (Windows refuses other programs write access while we hold the
// file open, as it did for the mapping; a rename or delete is allowed.)
//
// What the engine keeps is copied out at load (repacked weights, norms, the
// int8 head). Evaluation reads only the embedding rows of its tokens, a few
// KB per token, through read_rows(); the page cache, not this process, holds
// the rest of the file.

#include <cstdint>
#include <string>

namespace bitnet {

class ModelFile {
 public:
  explicit ModelFile(const std::string& path);  // throws EngineError
  ~ModelFile();
  ModelFile(const ModelFile&) = delete;
  ModelFile& operator=(const ModelFile&) = delete;

  // The size when opened.
  uint64_t size() const { return size_; }

  // Reads [offset, offset + bytes) into dst. Thread-safe. Throws
  // EngineError(MODEL_CHANGED) if the file is now shorter than that.
  void read(uint64_t offset, uint64_t bytes, void* dst) const;

  // Throws EngineError(MODEL_CHANGED) if the size or the modification time
  // differ from when the file was opened. After a read, this tells whether
  // the bytes read are the ones the model was loaded from: a writer updates
  // the time before its bytes become visible.
  void check_unchanged() const;

  // Hints for the page cache: the whole file is about to be read in order.
  void will_read_sequentially() const;

 private:
  [[noreturn]] void fail_changed(const std::string& what) const;

  std::string path_;
  void* handle_ = nullptr;  // Windows: the file's HANDLE
  int fd_ = -1;             // elsewhere: its descriptor
  uint64_t size_ = 0;
  int64_t mtime_sec_ = 0, mtime_nsec_ = 0;  // Windows: the FILETIME in mtime_sec_
};

}  // namespace bitnet
