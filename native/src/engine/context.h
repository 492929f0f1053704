#pragma once
// One sequence being evaluated: its KV cache and the forward pass
// (docs/forward-pass.md). The KV cache costs memory only for the positions in
// use: its pages are touched as positions fill and given back when trim()
// drops whole pages. Scratch buffers are the model's (sized when a context is
// made, so evaluation allocates nothing).

#include <cstdint>
#include <vector>

#include "engine/aligned_buffer.h"
#include "engine/layer_steps.h"
#include "engine/model.h"

namespace bitnet {

class Context {
 public:
  // Tokens evaluated together in one matrix-matrix pass during prefill.
  static constexpr int kChunk = 128;

  Context(Model& model, int capacity);  // throws EngineError

  int capacity() const { return capacity_; }
  int length() const { return length_; }
  // Bytes of the KV cache at full capacity: values and, for int8, scales.
  uint64_t kv_bytes() const {
    return k_cache_.bytes() + v_cache_.bytes() + k8_.bytes() + v8_.bytes() + k_scale_.bytes() + v_scale_.bytes();
  }

  // Floats eval writes for n tokens.
  size_t logits_floats(int n_tokens, bool all_logits) const {
    return static_cast<size_t>(all_logits ? n_tokens : 1) * static_cast<size_t>(vocab_);
  }

  // Evaluates tokens at positions length()..length()+n-1 and appends them to
  // the KV cache; writes logits_floats(n, all_logits) floats to `logits`.
  // `abort`, if given, is polled between layers and chunks: when it reads
  // non-zero, throws EngineError(ABORTED) and length() counts only the chunks
  // that finished. Other errors (bad token, no room) throw before any work.
  void eval(const int32_t* tokens, int n, bool all_logits, const int32_t* abort, float* logits);

  // Keeps the first n tokens of the cache. The memory of the positions
  // dropped goes back to the OS, but for the V block (kVBlock positions)
  // that position n falls in, so a trim by a few tokens costs nothing.
  void trim(int n);

  // The reference rounds more when a batch has a single token (docs/exactness.md, Single-token calls):
  // the softmax probabilities and the final hidden state go through F16.
  // On by default; tests switch it off to compare paths exactly.
  bool single_token_rounding = true;

  // Called after each finished chunk with the new length. For tests (a
  // deterministic point to raise the abort flag).
  void (*on_chunk_done)(void* user, int length) = nullptr;
  void* on_chunk_user = nullptr;


 private:
  // One pass over the weights for several contexts runs each one's own attention (batch_eval.h).
  friend class BatchEval;
  void eval_chunk(const int32_t* tokens, int n_tok, int pos0, bool single, const int32_t* abort,
                  bool want_all, float* logits_all, float* logits_last);
  // Which rows of a layer go on past the KV store: all, only the last (the
  // last layer when only the last logits are wanted) or none (the last layer
  // of a chunk whose logits nobody reads: only its K and V matter).
  enum class Rows { kAll, kLast, kNone };
  void layer_forward(int l, int n_tok, int pos0, bool single, Rows rows);
  LayerRows layer_rows();  // the layer steps' buffers: the model's scratch
  void store_kv(int l, int n_tok, int pos0);
  void attend(int l, int n_tok, int first_tok, int pos0, bool single);
  void attend_one(int l, int t, int pos0, bool single);
  void accumulate_v(int l, int g, int d0, int dims, const float* probs, int per, int n_kv, float* lanes,
                    float* out) const;
  // The 8-bit cache (KvCache::kI8): scores of `per` query heads of KV group
  // g (quantized: q8, one row of head_dim each, and q_scale) over positions
  // [r0, r1) into `scores` (a row per head, `capacity` apart), with `dots`
  // as room for kPositionRun integer products.
  void scores_i8(int l, int g, const int8_t* q8, const float* q_scale, int per, int r0, int r1, int32_t* dots,
                 float* scores) const;
  size_t scale_index(int layer, int kv_head, int pos) const;
  int heads_per_job(int n_rows) const;
  void head(const float* hidden_row, bool single, float* out);
  void reserve_scratch();
  void release_kv_from(int n);
  // Layouts, the same for the F16 and the int8 cache.
  // K: [layer][kv_head][pos][head_dim], rows of one position, for the
  // scores K.q. V: transposed (as the reference stores it, so V.p is a
  // matrix-vector product per head) and cut into blocks of kVBlock
  // positions: [layer][kv_head][block][head_dim][kVBlock]. A head's V then
  // streams block after block from memory, instead of as head_dim rows a
  // capacity apart, and a block's pages are touched only once reached.
  static constexpr int kVBlock = 128;
  // attend_one cuts its work into runs of positions for the scores and of
  // head dimensions for the V products.
  static constexpr int kPositionRun = 256;
  static constexpr int kDimRun = 32;
  size_t k_index(int layer, int kv_head, int pos) const;
  size_t v_block(int layer, int kv_head, int block) const;

  Model& model_;
  const Hparams hp_;
  int capacity_ = 0;
  int length_ = 0;
  int vocab_ = 0;
  int chunk_ = 0;
  int v_blocks_ = 0;  // V blocks per (layer, kv head)

  const bool i8_;  // the model's KvCache::kI8
  // F16 cache: K and V as above. Empty with the int8 cache.
  AlignedBuffer<uint16_t> k_cache_, v_cache_;
  // int8 cache: K and V as above, and one scale (quantize_row_i8's 127 /
  // max) per row: [layer][kv_head][pos] for each. Empty with the F16 cache.
  AlignedBuffer<int8_t> k8_, v8_;
  AlignedBuffer<float> k_scale_, v_scale_;

  // Positions whose KV pages may be resident: the most ever evaluated
  // since trim() last gave pages back.
  int touched_ = 0;
  EvalScratch& s_;  // the model's, shared with its other contexts
};

}  // namespace bitnet
