#pragma once
// The tensor table the TypeScript GGUF reader produced, checked against the
// hyperparameters and the file length before any byte of a tensor is read.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/hparams.h"

namespace bitnet {

enum GgmlType : int { kF32 = 0, kF16 = 1, kI2S = 36 };

// One entry as given; dims in ggml order (dims[0] is contiguous).
struct TensorInfo {
  std::string name;
  int type = -1;
  std::vector<int64_t> dims;
  uint64_t offset = 0;  // absolute, in the file
  uint64_t bytes = 0;
};

// A required tensor, found and checked.
struct TensorRef {
  std::string name;
  uint64_t offset = 0;
  uint64_t bytes = 0;
  int64_t ne0 = 0;  // columns (inputs)
  int64_t ne1 = 0;  // rows (outputs); 1 for vectors
};

struct LayerTensors {
  TensorRef attn_norm, attn_q, attn_k, attn_v, attn_output, attn_sub_norm;
  TensorRef ffn_norm, ffn_gate, ffn_up, ffn_down, ffn_sub_norm;
};

struct ModelTensors {
  TensorRef token_embd;
  TensorRef output_norm;
  std::vector<LayerTensors> layers;
};

// Bytes an I2_S tensor of ne0 x ne1 occupies (docs/model-file.md, I2_S): codes + 32-byte tail.
inline uint64_t i2s_bytes(int64_t ne0, int64_t ne1) {
  return static_cast<uint64_t>(ne0) * static_cast<uint64_t>(ne1) / 4 + 32;
}

// Finds every tensor the forward pass needs (each exactly once) and checks
// its type, shape, byte size, alignment and that it lies inside the file.
// Other tensors are ignored. Throws EngineError(BAD_MODEL) with the reason.
ModelTensors resolve_tensors(const Hparams& hp, const std::vector<TensorInfo>& table, uint64_t file_size);

}  // namespace bitnet
