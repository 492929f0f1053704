#pragma once
// One decode step for several sequences at once: a token for each of
// several contexts of the same model (a server's slots). Every ternary
// matrix and the LM head are read from memory once per step for all rows,
// instead of once per context, so a step for n users costs far less than n
// steps; each row attends over its own context's KV cache. A row's logits
// are bit for bit what ctx.eval() of that one token gives: the matrix
// products are exact integers, every per-row operation is the same, and
// attention runs the context's own code.

#include <cstdint>

#include "engine/aligned_buffer.h"
#include "engine/context.h"
#include "engine/model.h"

namespace bitnet {

class BatchDecoder {
 public:
  explicit BatchDecoder(Model& model);

  // Evaluates tokens[i] at position contexts[i]->length() in each context
  // and appends it to that context's KV cache; writes n * vocab floats of
  // logits (row i for contexts[i]). Every context must belong to this
  // model, appear once and have room for one more token. `abort`, if given,
  // is polled between layers: when it reads non-zero, throws
  // EngineError(ABORTED) and no context's length changes. Misuse throws
  // EngineError(INVALID_ARGUMENT) before any work.
  void decode(Context* const* contexts, const int32_t* tokens, int n, const int32_t* abort, float* logits);

 private:
  void check(Context* const* contexts, const int32_t* tokens, int n) const;
  void reserve(int n);
  void layer(int l, Context* const* contexts, int n);
  void attend(int l, Context& ctx, int row);
  void norm_quantize(const float* in, int ld_in, const float* w, int cols, int n);
  void residual_bitlinear(const TernaryMatrix& w, int n);
  void head(Context* const* contexts, int n, float* logits);

  Model& model_;
  const Hparams hp_;
  int rows_ = 0;  // rows the buffers hold

  AlignedBuffer<float> x_;         // [rows][n_embd] residual stream
  AlignedBuffer<float> xn_;        // [rows][max(n_embd, n_ff)] normed input of a matmul
  AlignedBuffer<int8_t> q8_;       // same shape, quantized
  AlignedBuffer<float> q8_scale_;  // [rows]
  AlignedBuffer<int32_t> q8_sum_;  // [rows]
  AlignedBuffer<int32_t> dot_;     // [rows][max(n_embd + 2 kv_dim, 2 n_ff)]
  AlignedBuffer<float> qkv_;       // [rows][n_embd + 2 kv_dim]
  AlignedBuffer<float> att_;       // [rows][n_embd]
  AlignedBuffer<float> mlp_;       // [rows][n_ff]
  AlignedBuffer<float> head_in_;   // [rows][n_embd]
  AlignedBuffer<int8_t> head_q8_;  // [rows][n_embd]
  AlignedBuffer<float> head_scale_;     // [rows]
  AlignedBuffer<int32_t> head_dot_;     // [rows][vocab]
};

}  // namespace bitnet
