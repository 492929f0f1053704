#include "engine/strict_fp.h"
#include "engine/q4_head.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/ops.h"

namespace bitnet {

void q4_screen(const Model& model, const int8_t* q, float act_scale, int r0, int r1, int32_t* dot, float* logits) {
  const int D = model.hparams().n_embd;
  model.kernels().q4_gemv(model.head_q4(), model.head_q4_stride(), D, q, r0, r1, dot);
  int8_head_out(dot + r0, r1 - r0, act_scale, model.head_scale() + r0, logits + r0);
}

namespace {

// Fills cand[0..k) with the ids of the k highest logits (ties: the lower id)
// in ascending id order. One pass with a heap of the k best so far: most
// rows lose to its smallest at once.
void top_k(const float* logits, int n, int k, int32_t* cand) {
  // a ranks above b: a higher logit, or the same and a lower id. A NaN
  // (weights that overflow) ranks as -inf, so the order stays strict.
  auto key = [&](int32_t r) { return logits[r] == logits[r] ? logits[r] : -std::numeric_limits<float>::infinity(); };
  auto above = [&](int32_t a, int32_t b) { return key(a) > key(b) || (key(a) == key(b) && a < b); };
  int size = 0;
  for (int32_t r = 0; r < n; ++r) {
    if (size < k) {
      cand[size++] = r;
      std::push_heap(cand, cand + size, above);  // the front is the lowest ranked
    } else if (above(r, cand[0])) {
      std::pop_heap(cand, cand + size, above);
      cand[size - 1] = r;
      std::push_heap(cand, cand + size, above);
    }
  }
  std::sort(cand, cand + size);
}

}  // namespace

void q4_rescore(const Model& model, const float* normed, float* logits, EvalScratch& s) {
  const int D = model.hparams().n_embd, V = model.hparams().vocab, k = std::min(kQ4Candidates, V);
  int32_t* cand = s.head_cand.data();
  uint16_t* rows = s.head_rows.data();
  float* exact = s.head_exact.data();
  top_k(logits, V, k, cand);
  model.embedding_rows(cand, k, rows);
  model.kernels().f16_gemv(rows, D, D, normed, 0, k, exact);
  float lowest = exact[0];
  for (int i = 1; i < k; ++i) lowest = std::min(lowest, exact[i]);
  const float below = std::nextafter(lowest, -std::numeric_limits<float>::infinity());
  for (int r = 0; r < V; ++r) logits[r] = std::min(logits[r], below);
  for (int i = 0; i < k; ++i) logits[cand[i]] = exact[i];
}

}  // namespace bitnet
