#include "engine/strict_fp.h"
#include "engine/layer_steps.h"

#include <algorithm>

#include "engine/ops.h"

namespace bitnet {

namespace {

// How a matrix's rows are cut into chunks for the pool: boundaries on the
// kernels' row groups, so each row's result is the same whoever computes it.
struct RowChunks {
  int size = 0, count = 0, rows = 0;
  RowChunks(const ThreadPool& pool, int n_rows) : rows(n_rows) {
    size = static_cast<int>(pool.chunk_size(n_rows, Model::kRowAlign));
    count = (n_rows + size - 1) / size;
  }
  int begin(int c) const { return c * size; }
  int end(int c) const { return std::min(rows, (c + 1) * size); }
};

}  // namespace

void LayerSteps::attention_norm(const LayerWeights& W, int n_tok) {
  norm_quantize(r_.x, hp_.n_embd, W.attn_norm.data(), hp_.n_embd, n_tok, 0);
}

// Q, K and V from one quantization of a, their row chunks in one run so the
// pool is filled once.
void LayerSteps::project_qkv(const LayerWeights& W, int n_tok) {
  const KernelTable& k = model_.kernels();
  ThreadPool& pool = model_.pool();
  const int D = hp_.n_embd, KV = hp_.kv_dim, QKV = D + 2 * KV;
  const TernaryMatrix* mats[3] = {&W.q.m, &W.k.m, &W.v.m};
  const int col0[3] = {0, D, D + KV};
  const RowChunks rc[3] = {RowChunks(pool, D), RowChunks(pool, KV), RowChunks(pool, KV)};
  pool.run_chunks(rc[0].count + rc[1].count + rc[2].count, [&](int c, int) {
    int m = 0;
    while (c >= rc[m].count) c -= rc[m++].count;
    const TernaryMatrix& w = *mats[m];
    const int r0 = rc[m].begin(c), r1 = rc[m].end(c);
    k.ternary_gemm(w, r_.q8, r_.q8_sum, n_tok, r0, r1, r_.dot + col0[m], QKV);
    for (int t = 0; t < n_tok; ++t) {
      const size_t at = static_cast<size_t>(t) * QKV + col0[m] + r0;
      bitlinear_out(r_.dot + at, r1 - r0, r_.q8_scale[t], w.scale, r_.qkv + at);
    }
  });
}

void LayerSteps::attention_output(const LayerWeights& W, int n_tok, int first) {
  norm_quantize(r_.att, hp_.n_embd, W.attn_sub_norm.data(), hp_.n_embd, n_tok, first);
  residual_bitlinear(W.o.m, hp_.n_embd, n_tok, first);
}

void LayerSteps::ffn_norm(const LayerWeights& W, int n_tok, int first) {
  norm_quantize(r_.x, hp_.n_embd, W.ffn_norm.data(), hp_.n_embd, n_tok, first);
}

// up and gate share each chunk of rows, so a row's two products meet in one job.
void LayerSteps::ffn_gate_up(const LayerWeights& W, int n_tok, int first) {
  const KernelTable& k = model_.kernels();
  ThreadPool& pool = model_.pool();
  const int D = hp_.n_embd, F = hp_.n_ff;
  const RowChunks rc_f(pool, F);
  pool.run_chunks(rc_f.count, [&](int c, int) {
    const TernaryMatrix& up = W.up.m;
    const TernaryMatrix& gate = W.gate.m;
    const int r0 = rc_f.begin(c), r1 = rc_f.end(c);
    const int8_t* q = r_.q8 + static_cast<size_t>(first) * D;
    int32_t* d0 = r_.dot + static_cast<size_t>(first) * 2 * F;
    const int32_t* q_sum = r_.q8_sum + first;
    k.ternary_gemm(up, q, q_sum, n_tok - first, r0, r1, d0, 2 * F);
    k.ternary_gemm(gate, q, q_sum, n_tok - first, r0, r1, d0 + F, 2 * F);
    for (int t = first; t < n_tok; ++t) {
      const int32_t* d = r_.dot + static_cast<size_t>(t) * 2 * F;
      bitlinear_relu_sq_mul(d + r0, d + F + r0, r1 - r0, r_.q8_scale[t], up.scale, gate.scale,
                            r_.mlp + static_cast<size_t>(t) * F + r0);
    }
  });
}

void LayerSteps::ffn_down(const LayerWeights& W, int n_tok, int first) {
  norm_quantize(r_.mlp, hp_.n_ff, W.ffn_sub_norm.data(), hp_.n_ff, n_tok, first);
  residual_bitlinear(W.down.m, hp_.n_ff, n_tok, first);
}

// xn = norm(in) and its int8 quantization (q8, q8_scale, q8_sum) for rows [first, n_tok).
void LayerSteps::norm_quantize(const float* in, int ld_in, const float* w, int n, int n_tok, int first) {
  const KernelTable& k = model_.kernels();
  const float eps = hp_.rms_eps;
  // Rows in blocks of 8, so a block's norms run interleaved.
  model_.pool().parallel_for(n_tok - first, 8, [&](int64_t b, int64_t e) {
    const int t0 = first + static_cast<int>(b), rows = static_cast<int>(e - b);
    float* y = r_.xn + static_cast<size_t>(t0) * n;
    rms_norm_rows(in + static_cast<size_t>(t0) * ld_in, ld_in, w, n, eps, rows, y, n);
    for (int t = t0; t < t0 + rows; ++t) {
      r_.q8_scale[t] = k.quantize_row_i8(r_.xn + static_cast<size_t>(t) * n, n, r_.q8 + static_cast<size_t>(t) * n,
                                         &r_.q8_sum[t]);
    }
  });
}

// x += w(q) for rows [first, n_tok), where q holds their quantized inputs
// (in_dim values each): a BitLinear whose result joins the residual stream.
void LayerSteps::residual_bitlinear(const TernaryMatrix& w, int in_dim, int n_tok, int first) {
  const KernelTable& k = model_.kernels();
  ThreadPool& pool = model_.pool();
  const int D = hp_.n_embd;
  const RowChunks rc(pool, D);
  pool.run_chunks(rc.count, [&](int c, int) {
    const int r0 = rc.begin(c), r1 = rc.end(c);
    const int8_t* q = r_.q8 + static_cast<size_t>(first) * in_dim;
    k.ternary_gemm(w, q, r_.q8_sum + first, n_tok - first, r0, r1, r_.dot + static_cast<size_t>(first) * D, D);
    for (int t = first; t < n_tok; ++t) {
      const size_t at = static_cast<size_t>(t) * D + r0;
      bitlinear_out_add(r_.dot + at, r1 - r0, r_.q8_scale[t], w.scale, r_.x + at);
    }
  });
}

}  // namespace bitnet
