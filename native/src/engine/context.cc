#include "engine/strict_fp.h"
#include "engine/context.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "engine/engine_error.h"
#include "engine/f16_rows.h"
#include "engine/kv_i8.h"
#include "engine/layer_steps.h"
#include "engine/ops.h"
#include "engine/q4_head.h"

namespace bitnet {

namespace {

inline bool aborted(const int32_t* flag) {
  return flag != nullptr && __atomic_load_n(flag, __ATOMIC_RELAXED) != 0;
}

}  // namespace

Context::Context(Model& model, int capacity)
    : model_(model), hp_(model.hparams()), i8_(model.kv_cache() == KvCache::kI8), s_(model.scratch()) {
  if (capacity < 1 || capacity > hp_.context_length) {
    throw EngineError(kBadArgument, "context capacity must be between 1 and " + std::to_string(hp_.context_length) +
                                        " (the model's context length), got " + std::to_string(capacity));
  }
  capacity_ = capacity;
  vocab_ = hp_.vocab;
  chunk_ = std::min(kChunk, capacity);
  const size_t KV = hp_.kv_dim;
  v_blocks_ = (capacity + kVBlock - 1) / kVBlock;
  // Reserved, not touched: a position's pages are paid for when it is first
  // written (small pages only, or one position would touch 2 MiB of them).
  const size_t k_values = static_cast<size_t>(hp_.n_layer) * KV * static_cast<size_t>(capacity);
  const size_t v_values = static_cast<size_t>(hp_.n_layer) * KV * static_cast<size_t>(v_blocks_) * kVBlock;
  if (i8_) {
    const size_t rows = static_cast<size_t>(hp_.n_layer) * hp_.n_head_kv * static_cast<size_t>(capacity);
    k8_.reset(k_values, AlignedBuffer<int8_t>::Pages::kSmall);
    v8_.reset(v_values, AlignedBuffer<int8_t>::Pages::kSmall);
    k_scale_.reset(rows, AlignedBuffer<float>::Pages::kSmall);
    v_scale_.reset(rows, AlignedBuffer<float>::Pages::kSmall);
  } else {
    k_cache_.reset(k_values, AlignedBuffer<uint16_t>::Pages::kSmall);
    v_cache_.reset(v_values, AlignedBuffer<uint16_t>::Pages::kSmall);
  }
  reserve_scratch();
}

void Context::reserve_scratch() { s_.reserve(hp_, chunk_, capacity_, model_.pool().size()); }

size_t Context::k_index(int layer, int kv_head, int pos) const {
  return ((static_cast<size_t>(layer) * hp_.n_head_kv + kv_head) * capacity_ + pos) * hp_.head_dim;
}

size_t Context::v_block(int layer, int kv_head, int block) const {
  return ((static_cast<size_t>(layer) * hp_.n_head_kv + kv_head) * v_blocks_ + block) * hp_.head_dim * kVBlock;
}

size_t Context::scale_index(int layer, int kv_head, int pos) const {
  return (static_cast<size_t>(layer) * hp_.n_head_kv + kv_head) * capacity_ + pos;
}

void Context::trim(int n) {
  if (n < 0 || n > length_) {
    throw EngineError(kBadArgument, "trim(" + std::to_string(n) + ") must keep between 0 and " +
                                        std::to_string(length_) + " tokens (the current length)");
  }
  length_ = n;
  release_kv_from(n);
}

void Context::release_kv_from(int n) {
  // Keep the V block that position n falls in (and K's pages up to its end).
  const int keep = std::min(capacity_, (n + kVBlock - 1) / kVBlock * kVBlock);
  if (touched_ <= keep) return;
  const size_t hd = hp_.head_dim;
  const size_t dropped = static_cast<size_t>(touched_ - keep);
  const int b0 = keep / kVBlock, b1 = (touched_ + kVBlock - 1) / kVBlock;
  const size_t v_dropped = static_cast<size_t>(b1 - b0) * hd * kVBlock;
  for (int l = 0; l < hp_.n_layer; ++l) {
    for (int g = 0; g < hp_.n_head_kv; ++g) {
      if (i8_) {
        k8_.discard(k_index(l, g, keep), dropped * hd);
        v8_.discard(v_block(l, g, b0), v_dropped);
        k_scale_.discard(scale_index(l, g, keep), dropped);
        v_scale_.discard(scale_index(l, g, keep), dropped);
      } else {
        k_cache_.discard(k_index(l, g, keep), dropped * hd);
        v_cache_.discard(v_block(l, g, b0), v_dropped);
      }
    }
  }
  touched_ = keep;
}

void Context::eval(const int32_t* tokens, int n, bool all_logits, const int32_t* abort, float* logits) {
  if (n < 1) throw EngineError(kBadArgument, "eval needs at least one token");
  if (n > capacity_ - length_) {
    throw EngineError(kBadArgument, "eval of " + std::to_string(n) + " tokens at position " + std::to_string(length_) +
                                        " does not fit in the context capacity of " + std::to_string(capacity_));
  }
  for (int i = 0; i < n; ++i) {
    if (tokens[i] < 0 || tokens[i] >= vocab_) {
      throw EngineError(kBadArgument, "token id " + std::to_string(tokens[i]) + " at index " + std::to_string(i) +
                                          " is outside the vocabulary (0.." + std::to_string(vocab_ - 1) + ")");
    }
  }
  reserve_scratch();
  // Rounding follows the size of the whole call, not of a chunk, so how a
  // prompt is chunked never changes the result (docs/exactness.md, Single-token calls).
  const bool single = single_token_rounding && n == 1;
  for (int done = 0; done < n;) {
    if (aborted(abort)) throw EngineError(kAborted, "evaluation was aborted");
    int t = std::min(chunk_, n - done);
    bool last = done + t == n;
    touched_ = std::max(touched_, length_ + t);
    eval_chunk(tokens + done, t, length_, single, abort, all_logits,
               all_logits ? logits + static_cast<size_t>(done) * vocab_ : nullptr, last ? logits : nullptr);
    length_ += t;
    done += t;
    if (on_chunk_done) on_chunk_done(on_chunk_user, length_);
  }
  s_.release_rows(std::min(n, chunk_));
}

void Context::eval_chunk(const int32_t* tokens, int n_tok, int pos0, bool single, const int32_t* abort,
                         bool want_all, float* logits_all, float* logits_last) {
  const int D = hp_.n_embd, half = hp_.head_dim / 2;
  // Read first: if the file changed on disk, nothing of this chunk is stored.
  model_.embedding_rows(tokens, n_tok, s_.embd.data());
  for (int t = 0; t < n_tok; ++t) {
    f16_to_f32_row(s_.embd.data() + static_cast<size_t>(t) * D, D, s_.x.data() + static_cast<size_t>(t) * D);
  }
  const float theta_scale = std::pow(hp_.rope_base, -2.0f / static_cast<float>(hp_.head_dim));
  for (int t = 0; t < n_tok; ++t) {
    rope_angles(pos0 + t, half, theta_scale, s_.rope_cos.data() + t * half, s_.rope_sin.data() + t * half);
  }
  const Rows last_rows = want_all ? Rows::kAll : logits_last ? Rows::kLast : Rows::kNone;
  for (int l = 0; l < hp_.n_layer; ++l) {
    if (aborted(abort)) throw EngineError(kAborted, "evaluation was aborted");
    layer_forward(l, n_tok, pos0, single, l == hp_.n_layer - 1 ? last_rows : Rows::kAll);
  }
  if (want_all) {
    for (int t = 0; t < n_tok; ++t) {
      head(s_.x.data() + static_cast<size_t>(t) * D, single, logits_all + static_cast<size_t>(t) * vocab_);
    }
  } else if (logits_last) {
    head(s_.x.data() + static_cast<size_t>(n_tok - 1) * D, single, logits_last);
  }
}

// One layer of the forward pass (docs/forward-pass.md) for tokens at
// positions pos0.. of this sequence.
void Context::layer_forward(int l, int n_tok, int pos0, bool single, Rows rows) {
  const LayerWeights& W = model_.layer(l);
  LayerSteps step(model_, layer_rows());
  step.attention_norm(W, n_tok);
  step.project_qkv(W, n_tok);
  store_kv(l, n_tok, pos0);
  if (rows == Rows::kNone) return;
  // From here on rows are independent; the last layer may keep only the last.
  const int first = rows == Rows::kLast ? n_tok - 1 : 0;
  attend(l, n_tok, first, pos0, single);
  step.attention_output(W, n_tok, first);
  step.ffn_norm(W, n_tok, first);
  step.ffn_gate_up(W, n_tok, first);
  step.ffn_down(W, n_tok, first);
}

LayerRows Context::layer_rows() {
  return {s_.x.data(),   s_.xn.data(),  s_.q8.data(),  s_.q8_scale.data(), s_.q8_sum.data(),
          s_.dot.data(), s_.qkv.data(), s_.att.data(), s_.mlp.data()};
}

void Context::store_kv(int l, int n_tok, int pos0) {
  ThreadPool& pool = model_.pool();
  const int D = hp_.n_embd, KV = hp_.kv_dim, QKV = D + 2 * KV, hd = hp_.head_dim, half = hd / 2;
  const int n_head = hp_.n_head, n_kv_head = hp_.n_head_kv;

  const KernelTable& k = model_.kernels();
  // RoPE on Q and K, then K and V into the cache: as F16, or as int8 rows
  // and their scales.
  auto rope_store = [&](int t) {
    float* row = s_.qkv.data() + static_cast<size_t>(t) * QKV;
    const float* c = s_.rope_cos.data() + t * half;
    const float* sn = s_.rope_sin.data() + t * half;
    for (int h = 0; h < n_head; ++h) rope_neox(row + h * hd, half, c, sn);
    for (int g = 0; g < n_kv_head; ++g) {
      float* kr = row + D + g * hd;
      const float* vr = row + D + KV + g * hd;
      rope_neox(kr, half, c, sn);
      const int pos = pos0 + t;
      const size_t v_at = v_block(l, g, pos / kVBlock) + pos % kVBlock;
      if (i8_) {
        int32_t sum;
        k_scale_[scale_index(l, g, pos)] = k.quantize_row_i8(kr, hd, k8_.data() + k_index(l, g, pos), &sum);
        int8_t* vq = s_.v_q8.data() + static_cast<size_t>(t) * hd;
        v_scale_[scale_index(l, g, pos)] = k.quantize_row_i8(vr, hd, vq, &sum);
        for (int d = 0; d < hd; ++d) v8_[v_at + static_cast<size_t>(d) * kVBlock] = vq[d];
      } else {
        f32_to_f16_row(kr, hd, k_cache_.data() + k_index(l, g, pos), 1);
        f32_to_f16_row(vr, hd, v_cache_.data() + v_at, kVBlock);
      }
    }
  };
  if (n_tok == 1) {
    rope_store(0);
  } else {
    pool.parallel_for(n_tok, 1, [&](int64_t b, int64_t e) {
      for (int64_t t = b; t < e; ++t) rope_store(static_cast<int>(t));
    });
  }
}

// Query heads per attention job: as many of a KV group as one f16_gemv_many
// call takes, so each K and V row is widened once for all of them; fewer
// when that would leave too few jobs to keep every thread busy (a batch of
// a few tokens; a single token goes to attend_one).
int Context::heads_per_job(int n_rows) const {
  const int group = hp_.n_head / hp_.n_head_kv, min_jobs = 4 * model_.pool().size();
  for (int d = std::min(group, kGemvManyMax); d > 1; --d) {
    if (group % d == 0 && n_rows * hp_.n_head / d >= min_jobs) return d;
  }
  return 1;
}

void Context::attend(int l, int n_tok, int first_tok, int pos0, bool single) {
  if (n_tok - first_tok == 1) return attend_one(l, first_tok, pos0, single);
  const KernelTable& k = model_.kernels();
  const int D = hp_.n_embd, KV = hp_.kv_dim, QKV = D + 2 * KV, hd = hp_.head_dim;
  const int n_head = hp_.n_head, group = n_head / hp_.n_head_kv;
  const size_t cap = static_cast<size_t>(capacity_);

  // One job per (token, run of `per` query heads of one KV group); workers
  // claim them as they go, which also evens out the longer causal rows of
  // later tokens.
  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
  const int per = heads_per_job(n_tok - first_tok), runs = n_head / per;
  model_.pool().run_chunks((n_tok - first_tok) * runs, [&](int j, int worker) {
    float* scores = s_.scores[worker].data();
    float* q = s_.query[worker].data();
    const int t = first_tok + j / runs, h0 = (j % runs) * per, g = h0 / group, n_kv = pos0 + t + 1;
    const float* q_row = s_.qkv.data() + static_cast<size_t>(t) * QKV + h0 * hd;
    if (i8_) {
      int8_t* q8 = s_.query_q8[worker].data();
      float q_scale[kGemvManyMax];
      int32_t sum;
      for (int i = 0; i < per; ++i) q_scale[i] = k.quantize_row_i8(q_row + i * hd, hd, q8 + i * hd, &sum);
      scores_i8(l, g, q8, q_scale, per, 0, n_kv, s_.dots[worker].data(), scores);
    } else {
      // Q goes through F16 for the scores in batches and single tokens alike (docs/exactness.md, KV cache and attention).
      round_through_f16(q_row, per * hd, q);
      k.f16_gemv_many(k_cache_.data() + k_index(l, g, 0), hd, hd, q, hd, per, 0, n_kv, scores, cap);
    }
    softmax_scaled_rows(scores, cap, per, n_kv, scale);
    if (single) {
      for (int i = 0; i < per; ++i) round_to_f16(scores + i * cap, n_kv);
    }
    if (i8_) {
      for (int i = 0; i < per; ++i) i8_fold_v_scale(scores + i * cap, n_kv, v_scale_.data() + scale_index(l, g, 0));
    }
    accumulate_v(l, g, 0, hd, scores, per, n_kv, s_.lanes[worker].data(),
                 s_.att.data() + static_cast<size_t>(t) * D + h0 * hd);
  });
}

// Attention of a single token (decode). A job per query head would read and
// widen each K and V row once per head of its group, and a job per group
// leaves too few jobs for the threads; so the work is cut where every result
// stays the same whoever computes it: the scores by runs of positions, then
// the V products by runs of head dimensions, each job taking all query heads
// of one KV group (measured at 2 threads: 13% faster decode at 1,500
// positions, the same at 16).
void Context::attend_one(int l, int t, int pos0, bool single) {
  const KernelTable& k = model_.kernels();
  ThreadPool& pool = model_.pool();
  const int D = hp_.n_embd, KV = hp_.kv_dim, QKV = D + 2 * KV, hd = hp_.head_dim;
  const int n_head = hp_.n_head, n_kv_head = hp_.n_head_kv, group = n_head / n_kv_head, n_kv = pos0 + t + 1;
  const size_t cap = static_cast<size_t>(capacity_);
  float* q = s_.one_query.data();
  float* scores = s_.one_scores.data();
  const float* q_row = s_.qkv.data() + static_cast<size_t>(t) * QKV;
  int8_t* q8 = s_.one_query_q8.data();
  float* q_scale = s_.one_query_scale.data();
  if (i8_) {
    int32_t sum;
    for (int h = 0; h < n_head; ++h) q_scale[h] = k.quantize_row_i8(q_row + h * hd, hd, q8 + h * hd, &sum);
  } else {
    // Q goes through F16 for the scores (docs/exactness.md, KV cache and attention).
    round_through_f16(q_row, n_head * hd, q);
  }
  // A group's heads in runs of at most kGemvManyMax (f16_gemv_many's limit).
  auto for_head_runs = [&](auto&& fn) {
    for (int h = 0; h < group; h += kGemvManyMax) fn(h, std::min(kGemvManyMax, group - h));
  };

  const int pos_runs = (n_kv + kPositionRun - 1) / kPositionRun;
  pool.run_chunks(n_kv_head * pos_runs, [&](int j, int worker) {
    const int g = j / pos_runs, r0 = (j % pos_runs) * kPositionRun, r1 = std::min(n_kv, r0 + kPositionRun);
    if (i8_) {
      const int h0 = g * group;
      return scores_i8(l, g, q8 + h0 * hd, q_scale + h0, group, r0, r1, s_.dots[worker].data(), scores + h0 * cap);
    }
    for_head_runs([&](int h, int per) {
      const int head = g * group + h;
      k.f16_gemv_many(k_cache_.data() + k_index(l, g, 0), hd, hd, q + head * hd, hd, per, r0, r1, scores + head * cap,
                      cap);
    });
  });

  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
  pool.run_chunks(n_kv_head, [&](int g, int) {
    float* rows = scores + static_cast<size_t>(g) * group * cap;
    softmax_scaled_rows(rows, cap, group, n_kv, scale);
    if (single) {
      for (int i = 0; i < group; ++i) round_to_f16(rows + i * cap, n_kv);
    }
    if (i8_) {
      for (int i = 0; i < group; ++i) i8_fold_v_scale(rows + i * cap, n_kv, v_scale_.data() + scale_index(l, g, 0));
    }
  });

  // The V products by runs of head dimensions.
  const int dim_run = std::min(kDimRun, hd), dim_runs = (hd + dim_run - 1) / dim_run;
  pool.run_chunks(n_kv_head * dim_runs, [&](int j, int worker) {
    const int g = j / dim_runs, d0 = (j % dim_runs) * dim_run, nd = std::min(dim_run, hd - d0);
    float* lanes = s_.lanes[worker].data();
    float* out = s_.query[worker].data();
    for_head_runs([&](int h, int per) {
      const int head = g * group + h;
      accumulate_v(l, g, d0, nd, scores + head * cap, per, n_kv, lanes, out);
      for (int i = 0; i < per; ++i) {
        std::copy(out + i * nd, out + (i + 1) * nd, s_.att.data() + static_cast<size_t>(t) * D + (head + i) * hd + d0);
      }
    });
  });
}

// out[i * dims + d] = sum_p V[d0 + d][p] * probs[i * capacity + p] over
// positions p < n_kv, for `per` rows of probabilities (query heads of KV
// group g) and head dimensions [d0, d0 + dims): f32 FMA over widened F16
// (docs/exactness.md, KV cache and attention), accumulated in `lanes`
// ([per][dims][16]) block after block of the V cache. With the int8 cache,
// `probs` already hold the V scales (i8_fold_v_scale) and V is its int8 values.
void Context::accumulate_v(int l, int g, int d0, int dims, const float* probs, int per, int n_kv, float* lanes,
                           float* out) const {
  const KernelTable& k = model_.kernels();
  std::fill(lanes, lanes + static_cast<size_t>(per) * dims * 16, 0.0f);
  for (int b = 0; b * kVBlock < n_kv; ++b) {
    const int cols = std::min(kVBlock, n_kv - b * kVBlock);
    const bool last = (b + 1) * kVBlock >= n_kv;
    const size_t at = v_block(l, g, b) + static_cast<size_t>(d0) * kVBlock;
    if (i8_) {
      i8_gemv_lanes(v8_.data() + at, kVBlock, cols, probs + b * kVBlock, capacity_, per, dims, lanes,
                    last ? out : nullptr);
    } else {
      k.f16_gemv_lanes(v_cache_.data() + at, kVBlock, cols, probs + b * kVBlock, capacity_, per, dims, lanes,
                       last ? out : nullptr);
    }
  }
}

// Scores of the int8 cache: for query heads i < per of KV group g and
// positions [r0, r1), scores[i * capacity + p] from the exact integer
// products of the quantized query and K rows (i8_gemv), then both scales
// (i8_scores). By runs of positions, so a run of K rows stays in cache for
// all the heads.
void Context::scores_i8(int l, int g, const int8_t* q8, const float* q_scale, int per, int r0, int r1, int32_t* dots,
                        float* scores) const {
  const KernelTable& k = model_.kernels();
  const int hd = hp_.head_dim;
  const size_t cap = static_cast<size_t>(capacity_);
  for (int a = r0; a < r1; a += kPositionRun) {
    const int b = std::min(r1, a + kPositionRun);
    for (int i = 0; i < per; ++i) {
      k.i8_gemv(k8_.data() + k_index(l, g, a), hd, hd, q8 + i * hd, 0, b - a, dots);
      i8_scores(dots, b - a, q_scale[i], k_scale_.data() + scale_index(l, g, a), scores + i * cap + a);
    }
  }
}

void Context::head(const float* hidden_row, bool single, float* out) {
  const KernelTable& k = model_.kernels();
  const int D = hp_.n_embd;
  float* n = s_.head_in.data();
  rms_norm(hidden_row, model_.output_norm(), D, hp_.rms_eps, n);
  if (single) round_to_f16(n, D);
  if (model_.lm_head() == LmHead::kF16) {
    const uint16_t* e = model_.embedding();
    model_.pool().parallel_for(vocab_, 64, [&](int64_t r0, int64_t r1) {
      k.f16_gemv(e, D, D, n, static_cast<int>(r0), static_cast<int>(r1), out);
    });
    return;
  }
  int32_t sum;
  int8_t* q = s_.q8.data();
  const float s = k.quantize_row_i8(n, D, q, &sum);
  int32_t* dot = s_.head_dot.data();
  if (model_.lm_head() == LmHead::kQ4) {
    model_.pool().parallel_for(vocab_, 64, [&](int64_t r0, int64_t r1) {
      q4_screen(model_, q, s, static_cast<int>(r0), static_cast<int>(r1), dot, out);
    });
    q4_rescore(model_, n, out, s_);
    return;
  }
  const int8_t* hq = model_.head_q();
  const float* hs = model_.head_scale();
  model_.pool().parallel_for(vocab_, 64, [&](int64_t r0, int64_t r1) {
    k.i8_gemv(hq, D, D, q, static_cast<int>(r0), static_cast<int>(r1), dot);
    int8_head_out(dot + r0, static_cast<int>(r1 - r0), s, hs + r0, out + r0);
  });
}

}  // namespace bitnet
