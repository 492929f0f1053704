#include "engine/hparams.h"

#include <cmath>
#include <string>

#include "engine/engine_error.h"

// BITNET_LIMIT_<name> is "<min>,<max>" from native/model-limits.json, the
// one list of bounds the TypeScript model check uses too (the build passes it).
#ifndef BITNET_LIMIT_contextLength
#error "build with the defines that native/limits-defines.js prints (binding.gyp and native/test/Makefile do)"
#endif

namespace bitnet {

namespace {

// The bounds are generous for any BitNet-style model yet keep every derived
// size (buffers, products of dims) far from overflow.
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
  h.vocab = checked_int(raw.vocab_size, "vocabSize", BITNET_LIMIT_vocabSize);
  h.context_length = checked_int(raw.context_length, "contextLength", BITNET_LIMIT_contextLength);
  h.n_embd = checked_int(raw.embedding_length, "embeddingLength", BITNET_LIMIT_embeddingLength);
  h.n_layer = checked_int(raw.block_count, "blockCount", BITNET_LIMIT_blockCount);
  h.n_ff = checked_int(raw.feed_forward_length, "feedForwardLength", BITNET_LIMIT_feedForwardLength);
  h.n_head = checked_int(raw.head_count, "headCount", BITNET_LIMIT_headCount);
  h.n_head_kv = checked_int(raw.head_count_kv, "headCountKv", BITNET_LIMIT_headCountKv);
  require(h.n_embd % 128 == 0, "embeddingLength " + std::to_string(h.n_embd) + " is not a multiple of 128");
  require(h.n_ff % 128 == 0, "feedForwardLength " + std::to_string(h.n_ff) + " is not a multiple of 128");
  require(h.n_embd % h.n_head == 0, "embeddingLength is not a multiple of headCount");
  h.head_dim = h.n_embd / h.n_head;
  const int head_dim[] = {BITNET_LIMIT_headDim};
  require(h.head_dim % 2 == 0 && h.head_dim >= head_dim[0] && h.head_dim <= head_dim[1],
          "head dimension " + std::to_string(h.head_dim) + " must be even and between " + std::to_string(head_dim[0]) +
              " and " + std::to_string(head_dim[1]));
  require(h.n_head % h.n_head_kv == 0, "headCount is not a multiple of headCountKv");
  h.kv_dim = h.n_head_kv * h.head_dim;
  const double rope_base[] = {BITNET_LIMIT_ropeFreqBase};
  if (!std::isfinite(raw.rope_freq_base) || raw.rope_freq_base <= rope_base[0] || raw.rope_freq_base > rope_base[1]) {
    throw EngineError(kBadModel, "hyperparameter ropeFreqBase must be a finite number in (" + std::to_string(rope_base[0]) +
                                     ", " + std::to_string(rope_base[1]) + "]");
  }
  if (!std::isfinite(raw.rms_epsilon) || raw.rms_epsilon <= 0.0 || raw.rms_epsilon >= 1.0) {
    throw EngineError(kBadModel, "hyperparameter rmsEpsilon must be a finite number in (0, 1)");
  }
  h.rope_base = static_cast<float>(raw.rope_freq_base);
  h.rms_eps = static_cast<float>(raw.rms_epsilon);
  return h;
}

}  // namespace bitnet
