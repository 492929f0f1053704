#pragma once
// The steps of one layer's forward pass that work on rows of tokens
// (docs/forward-pass.md): the norms, the Q/K/V projection, the attention
// output and the FFN. Context runs them on a chunk of one sequence and
// BatchEval on the rows of several, so both compute the same numbers; the
// steps in between (the KV store and attention) belong to the context whose
// cache they read. Every step takes the rows [first, n_tok): all of them, or
// the last alone when only the last logits are wanted.

#include <cstdint>

#include "engine/model.h"

namespace bitnet {

// The buffers the steps read and write, one row a token (the shapes of
// EvalScratch's fields of the same names).
struct LayerRows {
  float* x;         // residual stream
  float* xn;        // normed input of a matmul
  int8_t* q8;       // the same, quantized
  float* q8_scale;  // a row's quantization scale
  int32_t* q8_sum;  // a row's sum of q8
  int32_t* dot;     // integer matmul results
  float* qkv;       // Q, K, V: n_embd + 2 kv_dim a row
  float* att;       // attention's result, n_embd a row
  float* mlp;       // the FFN's hidden values, n_ff a row
};

class LayerSteps {
 public:
  LayerSteps(Model& model, const LayerRows& rows) : model_(model), hp_(model.hparams()), r_(rows) {}

  // a = attn_norm(x), quantized.
  void attention_norm(const LayerWeights& W, int n_tok);
  // Q, K, V = wq(a), wk(a), wv(a) into qkv.
  void project_qkv(const LayerWeights& W, int n_tok);
  // x += wo(attn_sub_norm(att)).
  void attention_output(const LayerWeights& W, int n_tok, int first);
  // u = ffn_norm(x), quantized.
  void ffn_norm(const LayerWeights& W, int n_tok, int first);
  // m = relu(gate(u))^2 * up(u).
  void ffn_gate_up(const LayerWeights& W, int n_tok, int first);
  // x += down(ffn_sub_norm(m)).
  void ffn_down(const LayerWeights& W, int n_tok, int first);

 private:
  void norm_quantize(const float* in, int ld_in, const float* w, int n, int n_tok, int first);
  void residual_bitlinear(const TernaryMatrix& w, int in_dim, int n_tok, int first);

  Model& model_;
  const Hparams& hp_;
  const LayerRows r_;
};

}  // namespace bitnet
