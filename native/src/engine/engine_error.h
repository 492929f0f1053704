#pragma once
// The one error type the engine throws. `code` is a stable token the JS side
// exposes as `err.code`; `what()` is the message a user reads.

#include <stdexcept>
#include <string>

namespace bitnet {

struct EngineError : std::runtime_error {
  EngineError(const char* code, const std::string& message)
      : std::runtime_error(message), code(code) {}
  const char* code;
};

// Codes used across the engine.
inline constexpr const char* kBadModel = "BAD_MODEL";          // file/table/hparams do not match
inline constexpr const char* kBadArgument = "INVALID_ARGUMENT";  // caller misuse
inline constexpr const char* kAborted = "ABORTED";             // abort flag was raised
inline constexpr const char* kIoError = "IO_ERROR";            // open/read failed
inline constexpr const char* kNoMemory = "OUT_OF_MEMORY";
inline constexpr const char* kModelChanged = "MODEL_CHANGED";  // the file was truncated or rewritten in use

}  // namespace bitnet
