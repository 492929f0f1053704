#pragma once
// One step for several sequences at once: a few tokens for each of several
// contexts of the same model (a server's slots: the next token of those
// generating, the next prompt chunk of those reading). Every ternary matrix
// and the LM head are read from memory once per step for all rows, instead
// of once per context, so a step for n users costs far less than n steps;
// each context's rows attend over its own KV cache. A context's logits are
// bit for bit what ctx.eval() of its tokens gives: the matrix products are
// exact integers, every per-row operation is the same, rounding follows
// each context's own token count (spec 11.1), and attention runs the
// context's own code.

#include <cstdint>

#include "engine/aligned_buffer.h"
#include "engine/context.h"
#include "engine/layer_steps.h"
#include "engine/model.h"

namespace bitnet {

class BatchEval {
 public:
  explicit BatchEval(Model& model);

  // The most contexts, and the most rows (tokens) in all, one call takes.
  static constexpr int kMaxContexts = 64;
  static constexpr int kMaxRows = 256;

  // For each context i, evaluates counts[i] tokens (the next counts[i] of
  // `tokens`, which holds them context after context) at positions
  // length().. and appends them to its KV cache; writes n * vocab floats of
  // logits, row i the last position of contexts[i]. Every context must
  // belong to this model, appear once, take 1 to min(128, capacity) tokens
  // and have room for them. `abort`, if given, is polled between layers:
  // when it reads non-zero, throws EngineError(ABORTED) and no context's
  // length changes. Misuse throws EngineError(INVALID_ARGUMENT) before any work.
  void eval(Context* const* contexts, const int32_t* counts, const int32_t* tokens, int n, const int32_t* abort,
            float* logits);

 private:
  void check(Context* const* contexts, const int32_t* counts, const int32_t* tokens, int n) const;
  void reserve(int rows, int n);
  void layer(int l, Context* const* contexts, const int32_t* counts, int n, int rows);
  LayerRows layer_rows();  // the layer steps' buffers: this object's own
  void store_kv_and_attend(int l, Context& ctx, int first_row, int count);
  void head(Context* const* contexts, const int32_t* counts, int n, float* logits);

  Model& model_;
  const Hparams hp_;
  int rows_ = 0;      // token rows the buffers hold
  int contexts_ = 0;  // contexts the head's buffers hold

  AlignedBuffer<uint16_t> embd_;   // [rows][n_embd] F16 embedding rows of the tokens
  AlignedBuffer<float> rope_cos_, rope_sin_;  // [rows][head_dim / 2]
  AlignedBuffer<float> x_;         // [rows][n_embd] residual stream
  AlignedBuffer<float> xn_;        // [rows][max(n_embd, n_ff)] normed input of a matmul
  AlignedBuffer<int8_t> q8_;       // same shape, quantized
  AlignedBuffer<float> q8_scale_;  // [rows]
  AlignedBuffer<int32_t> q8_sum_;  // [rows]
  AlignedBuffer<int32_t> dot_;     // [rows][max(n_embd + 2 kv_dim, 2 n_ff)]
  AlignedBuffer<float> qkv_;       // [rows][n_embd + 2 kv_dim]
  AlignedBuffer<float> att_;       // [rows][n_embd]
  AlignedBuffer<float> mlp_;       // [rows][n_ff]
  AlignedBuffer<float> head_in_;   // [contexts][n_embd]
  AlignedBuffer<int8_t> head_q8_;  // [contexts][n_embd]
  AlignedBuffer<float> head_scale_;     // [contexts]
  AlignedBuffer<int32_t> head_dot_;     // [contexts][vocab]
};

}  // namespace bitnet
