#include "engine/hparams.h"

#include <cmath>
#include <string>

#include "engine/engine_error.h"

namespace bitnet {

namespace {

// Bounds are generous for any BitNet-style model yet keep every derived size
// (buffers, products of dims) far from overflow.
int checked_int(double v, const char* name, int lo, int hi) {
  if (!std::isfinite(v) || v != std::floor(v) || v < lo || v > hi) {
    throw EngineError(kBadModel, std::string("hyperparameter ") + name + " = " +
                                     (std::isfinite(v) ? std::to_string(v) : std::string("non-finite")) +
                                     " is outside [" + std::to_string(lo) + ", " + std::to_string(hi) +
                                     "] or not an integer");
  }
  return static_cast<int>(v);
}

void require(bool ok, const std::string& what) {
  if (!ok) throw EngineError(kBadModel, "hyperparameters do not fit together: " + what);
}

}  // namespace

Hparams validate_hparams(const RawHparams& raw) {
  Hparams h;
  h.vocab = checked_int(raw.vocab_size, "vocabSize", 1, 1 << 21);
  h.context_length = checked_int(raw.context_length, "contextLength", 1, 1 << 20);
  h.n_embd = checked_int(raw.embedding_length, "embeddingLength", 128, 32768);
  h.n_layer = checked_int(raw.block_count, "blockCount", 1, 512);
  h.n_ff = checked_int(raw.feed_forward_length, "feedForwardLength", 128, 131072);
  h.n_head = checked_int(raw.head_count, "headCount", 1, 1024);
  h.n_head_kv = checked_int(raw.head_count_kv, "headCountKv", 1, 1024);
  require(h.n_embd % 128 == 0, "embeddingLength " + std::to_string(h.n_embd) + " is not a multiple of 128");
  require(h.n_ff % 128 == 0, "feedForwardLength " + std::to_string(h.n_ff) + " is not a multiple of 128");
  require(h.n_embd % h.n_head == 0, "embeddingLength is not a multiple of headCount");
  h.head_dim = h.n_embd / h.n_head;
  require(h.head_dim % 2 == 0 && h.head_dim <= 1024, "head dimension " + std::to_string(h.head_dim) +
                                                        " must be even and at most 1024");
  require(h.n_head % h.n_head_kv == 0, "headCount is not a multiple of headCountKv");
  h.kv_dim = h.n_head_kv * h.head_dim;
  if (!std::isfinite(raw.rope_freq_base) || raw.rope_freq_base <= 1.0 || raw.rope_freq_base > 1e12) {
    throw EngineError(kBadModel, "hyperparameter ropeFreqBase must be a finite number in (1, 1e12]");
  }
  if (!std::isfinite(raw.rms_epsilon) || raw.rms_epsilon <= 0.0 || raw.rms_epsilon >= 1.0) {
    throw EngineError(kBadModel, "hyperparameter rmsEpsilon must be a finite number in (0, 1)");
  }
  h.rope_base = static_cast<float>(raw.rope_freq_base);
  h.rms_eps = static_cast<float>(raw.rms_epsilon);
  return h;
}

}  // namespace bitnet
