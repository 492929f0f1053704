#pragma once
// The buffers one evaluation works in, sized for the largest chunk, context
// capacity and thread count asked of them so far. A model's contexts share
// one set, since they evaluate one at a time (they share its thread pool
// too): each context of the 2B4T shape would otherwise hold its own 20 MB.

#include <cstdint>
#include <vector>

#include "engine/aligned_buffer.h"
#include "engine/hparams.h"

namespace bitnet {

struct EvalScratch {
  AlignedBuffer<uint16_t> embd;  // [chunk][n_embd] F16 embedding rows of the chunk's tokens
  AlignedBuffer<float> x;        // [chunk][n_embd] residual stream
  AlignedBuffer<float> xn;       // [chunk][max(n_embd, n_ff)] normed input of a matmul
  AlignedBuffer<int8_t> q8;      // same shape, quantized
  AlignedBuffer<float> q8_scale; // [chunk]
  AlignedBuffer<int32_t> q8_sum; // [chunk]
  AlignedBuffer<int32_t> dot;    // [chunk][max(n_embd + 2 kv_dim, 2 n_ff)]
  AlignedBuffer<float> qkv;      // [chunk][n_embd + 2 kv_dim]
  AlignedBuffer<float> att;      // [chunk][n_embd]
  AlignedBuffer<float> mlp;      // [chunk][n_ff]
  AlignedBuffer<float> rope_cos, rope_sin;  // [chunk][head_dim / 2]
  AlignedBuffer<float> head_in;    // [n_embd]
  AlignedBuffer<int32_t> head_dot; // [vocab]
  // The 4-bit head's rescoring (q4_head.h): candidate ids [kQ4Candidates],
  // their F16 rows [kQ4Candidates][n_embd] and exact logits [kQ4Candidates].
  AlignedBuffer<int32_t> head_cand;
  AlignedBuffer<uint16_t> head_rows;
  AlignedBuffer<float> head_exact;
  // Per worker thread, for the query heads of one attention job: scores
  // [kGemvManyMax][capacity], rounded queries [kGemvManyMax][head_dim] and
  // the V products' accumulators [kGemvManyMax][head_dim][16].
  std::vector<AlignedBuffer<float>> scores, query, lanes;
  // The same for the int8 KV cache: quantized queries [kGemvManyMax][head_dim]
  // and the integer products of a run of positions [capacity].
  std::vector<AlignedBuffer<int8_t>> query_q8;
  std::vector<AlignedBuffer<int32_t>> dots;
  // One token attending alone (decode): every head's rounded query
  // [n_head][head_dim] and scores [n_head][capacity].
  AlignedBuffer<float> one_query, one_scores;
  // Its queries quantized for the int8 KV cache: [n_head][head_dim] and a
  // scale per head.
  AlignedBuffer<int8_t> one_query_q8;
  AlignedBuffer<float> one_query_scale;
  // A chunk's V rows quantized before they are stored transposed (int8 KV
  // cache): [chunk][head_dim].
  AlignedBuffer<int8_t> v_q8;

  // Grows the buffers to fit chunks of `chunk` tokens, contexts of
  // `capacity` positions and `threads` workers; allocates only when one of
  // them is larger than before (or the thread count changed).
  void reserve(const Hparams& hp, int chunk, int capacity, int threads);

  // Gives the pages of rows 1..used-1 of the chunk buffers back to the OS.
  // A prompt's chunk makes about 20 MB of them resident (2B4T shape), which
  // decoding (row 0) and an idle engine never read; touching them again
  // costs about a millisecond per 128-token chunk, which takes seconds.
  void release_rows(int used);

 private:
  int chunk_ = 0, capacity_ = 0, threads_ = 0;
  size_t d_ = 0, ff_ = 0, qkv_ = 0;  // row widths of the chunk buffers
};

}  // namespace bitnet
