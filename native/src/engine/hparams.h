#pragma once
// The model's hyperparameters as the GGUF reader passed them, checked for
// sanity before anything is sized from them (they are hostile input too).

#include <cstdint>

namespace bitnet {

// What the caller passes: numbers as JavaScript holds them.
struct RawHparams {
  double vocab_size = 0;
  double context_length = 0;
  double embedding_length = 0;
  double block_count = 0;
  double feed_forward_length = 0;
  double head_count = 0;
  double head_count_kv = 0;
  double rope_freq_base = 0;
  double rms_epsilon = 0;
};

// Validated and derived shape of the model.
struct Hparams {
  int vocab = 0;
  int context_length = 0;
  int n_embd = 0;
  int n_layer = 0;
  int n_ff = 0;
  int n_head = 0;
  int n_head_kv = 0;
  int head_dim = 0;  // n_embd / n_head
  int kv_dim = 0;    // n_head_kv * head_dim
  float rope_base = 0;
  float rms_eps = 0;
};

// Throws EngineError(BAD_MODEL) naming the first field out of range.
Hparams validate_hparams(const RawHparams& raw);

}  // namespace bitnet
