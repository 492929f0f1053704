#include "engine/strict_fp.h"
#include "engine/batch_eval.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/engine_error.h"
#include "engine/f16_rows.h"
#include "engine/layer_steps.h"
#include "engine/ops.h"
#include "engine/q4_head.h"

namespace bitnet {

namespace {

// Rounding follows the size of each context's own call (spec 11.1).
inline bool single(const Context& c, int count) { return c.single_token_rounding && count == 1; }

inline bool aborted(const int32_t* flag) {
  return flag != nullptr && __atomic_load_n(flag, __ATOMIC_RELAXED) != 0;
}

}  // namespace

BatchEval::BatchEval(Model& model) : model_(model), hp_(model.hparams()) {}

void BatchEval::reserve(int rows, int n) {
  const size_t D = hp_.n_embd, F = hp_.n_ff, KV = hp_.kv_dim;
  if (rows > rows_) {
    const size_t R = static_cast<size_t>(rows), QKV = D + 2 * KV, half = hp_.head_dim / 2;
    embd_.reset(R * D);
    rope_cos_.reset(R * half);
    rope_sin_.reset(R * half);
    x_.reset(R * D);
    xn_.reset(R * std::max(D, F));
    q8_.reset(R * std::max(D, F));
    q8_scale_.reset(R);
    q8_sum_.reset(R);
    dot_.reset(R * std::max(QKV, 2 * F));
    qkv_.reset(R * QKV);
    att_.reset(R * D);
    mlp_.reset(R * F);
    rows_ = rows;
  }
  if (n > contexts_) {
    const size_t N = static_cast<size_t>(n);
    head_in_.reset(N * D);
    head_q8_.reset(N * D);
    head_scale_.reset(N);
    head_dot_.reset(N * static_cast<size_t>(hp_.vocab));
    contexts_ = n;
  }
}

void BatchEval::check(Context* const* contexts, const int32_t* counts, const int32_t* tokens, int n) const {
  if (n < 1 || n > kMaxContexts) {
    throw EngineError(kBadArgument, "a batched eval takes 1 to " + std::to_string(kMaxContexts) + " contexts, got " +
                                        std::to_string(n));
  }
  int rows = 0;
  for (int i = 0; i < n; ++i) {
    const Context* c = contexts[i];
    const std::string which = "context " + std::to_string(i);
    if (c == nullptr) throw EngineError(kBadArgument, which + " is missing");
    if (&c->model_ != &model_) throw EngineError(kBadArgument, which + " belongs to another model");
    // One chunk of the context's own scratch holds its rows in attention.
    if (counts[i] < 1 || counts[i] > c->chunk_) {
      throw EngineError(kBadArgument, which + " must take 1 to " + std::to_string(c->chunk_) + " tokens, got " +
                                          std::to_string(counts[i]));
    }
    if (counts[i] > c->capacity_ - c->length_) {
      throw EngineError(kBadArgument, which + ": " + std::to_string(counts[i]) + " tokens at position " +
                                          std::to_string(c->length_) + " do not fit in its capacity of " +
                                          std::to_string(c->capacity_));
    }
    if (counts[i] > kMaxRows - rows) {
      throw EngineError(kBadArgument, "a batched eval takes at most " + std::to_string(kMaxRows) + " tokens in all");
    }
    for (int t = rows; t < rows + counts[i]; ++t) {
      if (tokens[t] < 0 || tokens[t] >= hp_.vocab) {
        throw EngineError(kBadArgument, "token id " + std::to_string(tokens[t]) + " at index " + std::to_string(t) +
                                            " is outside the vocabulary (0.." + std::to_string(hp_.vocab - 1) + ")");
      }
    }
    rows += counts[i];
    // Two entries of one context would write the same KV positions.
    for (int j = 0; j < i; ++j) {
      if (contexts[j] == c) throw EngineError(kBadArgument, which + " appears twice in one batch");
    }
  }
}

void BatchEval::eval(Context* const* contexts, const int32_t* counts, const int32_t* tokens, int n,
                     const int32_t* abort, float* logits) {
  check(contexts, counts, tokens, n);
  int rows = 0;
  for (int i = 0; i < n; ++i) rows += counts[i];
  reserve(rows, n);
  const int D = hp_.n_embd, half = hp_.head_dim / 2;
  // Read first: if the file changed on disk, no context has changed yet.
  model_.embedding_rows(tokens, rows, embd_.data());
  for (int t = 0; t < rows; ++t) {
    f16_to_f32_row(embd_.data() + static_cast<size_t>(t) * D, D, x_.data() + static_cast<size_t>(t) * D);
  }
  const float theta_scale = std::pow(hp_.rope_base, -2.0f / static_cast<float>(hp_.head_dim));
  for (int i = 0, row = 0; i < n; row += counts[i++]) {
    Context& c = *contexts[i];
    // The model's scratch (shared by its contexts) must fit this context's rows and positions.
    c.reserve_scratch();
    c.touched_ = std::max(c.touched_, c.length_ + counts[i]);
    for (int t = 0; t < counts[i]; ++t) {
      const size_t at = static_cast<size_t>(row + t) * half;
      rope_angles(c.length_ + t, half, theta_scale, rope_cos_.data() + at, rope_sin_.data() + at);
    }
  }
  for (int l = 0; l < hp_.n_layer; ++l) {
    if (aborted(abort)) throw EngineError(kAborted, "evaluation was aborted");
    layer(l, contexts, counts, n, rows);
  }
  head(contexts, counts, n, logits);
  for (int i = 0; i < n; ++i) contexts[i]->length_ += counts[i];
}

// Context::layer_forward's steps, with the rows of every context in each
// matrix product (`rows` of them) and each context's own KV store and
// attention in between.
void BatchEval::layer(int l, Context* const* contexts, const int32_t* counts, int n_contexts, int rows) {
  const LayerWeights& W = model_.layer(l);
  LayerSteps step(model_, layer_rows());
  step.attention_norm(W, rows);
  step.project_qkv(W, rows);
  for (int i = 0, row = 0; i < n_contexts; row += counts[i++]) store_kv_and_attend(l, *contexts[i], row, counts[i]);
  step.attention_output(W, rows, 0);
  step.ffn_norm(W, rows, 0);
  step.ffn_gate_up(W, rows, 0);
  step.ffn_down(W, rows, 0);
}

LayerRows BatchEval::layer_rows() {
  return {x_.data(), xn_.data(), q8_.data(), q8_scale_.data(), q8_sum_.data(),
          dot_.data(), qkv_.data(), att_.data(), mlp_.data()};
}

// One context's attention, by its own code on its own KV cache: its rows'
// Q, K, V and rope angles go to the first rows of the model's scratch, which
// store_kv ropes and caches at its next positions and attend reads.
void BatchEval::store_kv_and_attend(int l, Context& ctx, int first_row, int count) {
  const int D = hp_.n_embd, QKV = D + 2 * hp_.kv_dim, half = hp_.head_dim / 2;
  EvalScratch& s = ctx.s_;
  const float* from = qkv_.data() + static_cast<size_t>(first_row) * QKV;
  std::copy(from, from + static_cast<size_t>(count) * QKV, s.qkv.data());
  const size_t r0 = static_cast<size_t>(first_row) * half, rn = static_cast<size_t>(count) * half;
  std::copy(rope_cos_.data() + r0, rope_cos_.data() + r0 + rn, s.rope_cos.data());
  std::copy(rope_sin_.data() + r0, rope_sin_.data() + r0 + rn, s.rope_sin.data());
  ctx.store_kv(l, count, ctx.length_);
  ctx.attend(l, count, 0, ctx.length_, single(ctx, count));
  std::copy(s.att.data(), s.att.data() + static_cast<size_t>(count) * D, att_.data() + static_cast<size_t>(first_row) * D);
}

// Context::head for each context's last row. The vocabulary is cut into
// runs of rows and each run meets all contexts in turn, so it is read from
// memory once and from cache for the rest.
void BatchEval::head(Context* const* contexts, const int32_t* counts, int n, float* logits) {
  const KernelTable& k = model_.kernels();
  const int D = hp_.n_embd, V = hp_.vocab;
  for (int i = 0, last = -1; i < n; ++i) {
    last += counts[i];
    float* in = head_in_.data() + static_cast<size_t>(i) * D;
    rms_norm(x_.data() + static_cast<size_t>(last) * D, model_.output_norm(), D, hp_.rms_eps, in);
    if (single(*contexts[i], counts[i])) round_to_f16(in, D);
    if (model_.lm_head() != LmHead::kF16) {
      int32_t sum;
      head_scale_[i] = k.quantize_row_i8(in, D, head_q8_.data() + static_cast<size_t>(i) * D, &sum);
    }
  }
  if (model_.lm_head() == LmHead::kF16) {
    const uint16_t* e = model_.embedding();
    model_.pool().parallel_for(V, 64, [&](int64_t r0, int64_t r1) {
      for (int i = 0; i < n; ++i) {
        k.f16_gemv(e, D, D, head_in_.data() + static_cast<size_t>(i) * D, static_cast<int>(r0), static_cast<int>(r1),
                   logits + static_cast<size_t>(i) * V);
      }
    });
    return;
  }
  if (model_.lm_head() == LmHead::kQ4) {
    model_.pool().parallel_for(V, 64, [&](int64_t r0, int64_t r1) {
      for (int i = 0; i < n; ++i) {
        q4_screen(model_, head_q8_.data() + static_cast<size_t>(i) * D, head_scale_[i], static_cast<int>(r0),
                  static_cast<int>(r1), head_dot_.data() + static_cast<size_t>(i) * V, logits + static_cast<size_t>(i) * V);
      }
    });
    for (int i = 0; i < n; ++i) {
      q4_rescore(model_, head_in_.data() + static_cast<size_t>(i) * D, logits + static_cast<size_t>(i) * V,
                 model_.scratch());
    }
    return;
  }
  const int8_t* hq = model_.head_q();
  const float* hs = model_.head_scale();
  model_.pool().parallel_for(V, 64, [&](int64_t r0, int64_t r1) {
    for (int i = 0; i < n; ++i) {
      int32_t* dot = head_dot_.data() + static_cast<size_t>(i) * V;
      k.i8_gemv(hq, D, D, head_q8_.data() + static_cast<size_t>(i) * D, static_cast<int>(r0), static_cast<int>(r1), dot);
      int8_head_out(dot + r0, static_cast<int>(r1 - r0), head_scale_[i], hs + r0,
                    logits + static_cast<size_t>(i) * V + r0);
    }
  });
}

}  // namespace bitnet
