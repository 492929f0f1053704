#include "engine/eval_scratch.h"

#include <algorithm>

#include "engine/q4_head.h"
#include "kernels/kernels.h"

namespace bitnet {

void EvalScratch::reserve(const Hparams& hp, int chunk, int capacity, int threads) {
  const size_t D = hp.n_embd, F = hp.n_ff, KV = hp.kv_dim, QKV = D + 2 * KV;
  if (chunk > chunk_) {
    const size_t C = chunk;
    embd.reset(C * D);
    x.reset(C * D);
    xn.reset(C * std::max(D, F));
    q8.reset(C * std::max(D, F));
    q8_scale.reset(C);
    q8_sum.reset(C);
    dot.reset(C * std::max(QKV, 2 * F));
    qkv.reset(C * QKV);
    att.reset(C * D);
    mlp.reset(C * F);
    rope_cos.reset(C * hp.head_dim / 2);
    rope_sin.reset(C * hp.head_dim / 2);
    v_q8.reset(C * hp.head_dim);
    chunk_ = chunk;
    d_ = D;
    ff_ = F;
    qkv_ = QKV;
  }
  if (head_dot.size() == 0) {
    head_in.reset(D);
    head_dot.reset(hp.vocab);
    head_cand.reset(kQ4Candidates);
    head_rows.reset(static_cast<size_t>(kQ4Candidates) * D);
    head_exact.reset(kQ4Candidates);
    one_query.reset(static_cast<size_t>(hp.n_head) * hp.head_dim);
    one_query_q8.reset(static_cast<size_t>(hp.n_head) * hp.head_dim);
    one_query_scale.reset(hp.n_head);
  }
  if (capacity > capacity_) {
    one_scores.reset(static_cast<size_t>(hp.n_head) * capacity);
  }
  if (capacity > capacity_ || threads != threads_) {
    const int cap = std::max(capacity, capacity_);
    scores.clear();
    query.clear();
    lanes.clear();
    query_q8.clear();
    dots.clear();
    for (int i = 0; i < threads; ++i) {
      scores.emplace_back(static_cast<size_t>(kGemvManyMax) * cap);
      query.emplace_back(static_cast<size_t>(kGemvManyMax) * hp.head_dim);
      lanes.emplace_back(static_cast<size_t>(kGemvManyMax) * hp.head_dim * 16);
      query_q8.emplace_back(static_cast<size_t>(kGemvManyMax) * hp.head_dim);
      dots.emplace_back(cap);
    }
    capacity_ = cap;
    threads_ = threads;
  }
}

void EvalScratch::release_rows(int used) {
  if (used <= 1) return;
  const size_t n = static_cast<size_t>(std::min(used, chunk_)) - 1;
  const size_t wide = std::max(d_, ff_), dots = std::max(qkv_, 2 * ff_);
  embd.discard(d_, n * d_);
  x.discard(d_, n * d_);
  xn.discard(wide, n * wide);
  q8.discard(wide, n * wide);
  dot.discard(dots, n * dots);
  qkv.discard(qkv_, n * qkv_);
  att.discard(d_, n * d_);
  mlp.discard(ff_, n * ff_);
}

}  // namespace bitnet
