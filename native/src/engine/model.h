#pragma once
// A loaded model: the weights in the layout the kernels read, the int8 copy
// of the tied LM head (or, for the exact F16 head, a copy of the F16
// embedding), the open model file the embedding rows are read from, the
// thread pool every context of this model computes on, and the scratch
// buffers its contexts share.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/aligned_buffer.h"
#include "engine/hparams.h"
#include "engine/eval_scratch.h"
#include "engine/model_file.h"
#include "engine/tensor_table.h"
#include "engine/thread_pool.h"
#include "kernels/kernels.h"

namespace bitnet {

// The output layer: an int8 copy of the tied head; the exact F16 embedding,
// copied; or a 4-bit copy screening for the rows then computed in F16
// (q4_head.h).
enum class LmHead { kInt8, kF16, kQ4 };

// How every context of a model stores its KV cache: F16 (what the reference
// stores) or int8 rows with one f32 scale each, half the memory
// (docs/exactness.md, The 8-bit KV cache).
enum class KvCache { kF16, kI8 };

struct LoadSpec {
  std::string path;
  RawHparams hparams;
  std::vector<TensorInfo> tensors;
  int threads = 0;                 // 0: one per physical core
  LmHead lm_head = LmHead::kInt8;
  KvCache kv_cache = KvCache::kF16;
  std::string kernels;             // "" = fastest runnable
  // 2 MiB pages for the streamed weights: decode about 20-35% faster,
  // load slower when the OS must compact memory to find them.
  bool huge_pages = true;
};

struct ModelStats {
  double load_ms = 0;
  uint64_t weight_bytes = 0;    // kept: repacked ternary + head + norms
  uint64_t bytes_per_token = 0; // read per decoded token
};

// A ternary matrix; its packed bytes live in the model's weight arena.
struct TernaryWeight {
  TernaryMatrix m;
  size_t bytes = 0;
};

struct LayerWeights {
  AlignedBuffer<float> attn_norm, attn_sub_norm, ffn_norm, ffn_sub_norm;
  TernaryWeight q, k, v, o, gate, up, down;
};

class Model {
 public:
  // Validates everything in `spec` against the file; throws EngineError.
  static std::unique_ptr<Model> load(const LoadSpec& spec);

  const Hparams& hparams() const { return hp_; }
  const KernelTable& kernels() const { return *kernels_; }
  ThreadPool& pool() { return *pool_; }
  void set_threads(int threads);  // 0: one per physical core
  const ModelStats& stats() const { return stats_; }
  LmHead lm_head() const { return lm_head_; }
  KvCache kv_cache() const { return kv_cache_; }

  const LayerWeights& layer(int l) const { return layers_[l]; }
  const float* output_norm() const { return output_norm_.data(); }
  // The F16 embedding rows of tokens[0..n), n_embd values each, into out.
  // Token ids must be valid. Throws EngineError(MODEL_CHANGED) if the file
  // no longer holds what was loaded (then out is garbage).
  void embedding_rows(const int32_t* tokens, int n, uint16_t* out) const;
  // The whole F16 embedding, in memory (kF16 only).
  const uint16_t* embedding() const { return embd_copy_.data(); }
  // Buffers for one evaluation. Contexts of a model evaluate one at a time
  // (they share its thread pool), so they share these too.
  EvalScratch& scratch() { return scratch_; }
  // The int8 head (kInt8 only): vocab rows of n_embd, one f32 scale a row
  // (kQ4 too).
  const int8_t* head_q() const { return head_q_.data(); }
  const float* head_scale() const { return head_scale_.data(); }
  // The 4-bit head (kQ4 only): vocab rows in the layout of kernels.h,
  // head_q4_stride() bytes apart.
  const uint8_t* head_q4() const { return head_q4_.data(); }
  size_t head_q4_stride() const { return q4_row_bytes(hp_.n_embd); }

  // Rows a ternary matmul split must be a multiple of (the kernels' row
  // groups); per-row results then do not depend on the thread count.
  static constexpr int kRowAlign = kTernaryRowGroup;

 private:
  Model() = default;
  void copy_norm(const TensorRef& t, AlignedBuffer<float>* out) const;
  void repack_all(const ModelTensors& mt);
  void build_int8_head();
  void build_q4_head();
  // Reads the F16 embedding in blocks of rows on the pool and calls
  // row(r, values, max |value|) for each row (values as f16 bits); throws
  // EngineError(BAD_MODEL) if a row holds a non-finite value.
  template <typename RowFn>
  void each_embedding_row(RowFn&& row);
  void copy_embedding();

  Hparams hp_;
  std::unique_ptr<ModelFile> file_;
  const KernelTable* kernels_ = nullptr;
  std::unique_ptr<ThreadPool> pool_;
  std::vector<LayerWeights> layers_;
  AlignedBuffer<uint8_t> arena_;  // every ternary matrix, back to back
  AlignedBuffer<float> output_norm_;
  uint64_t embd_offset_ = 0, embd_bytes_ = 0;
  AlignedBuffer<uint16_t> embd_copy_;  // kF16 only
  LmHead lm_head_ = LmHead::kInt8;
  KvCache kv_cache_ = KvCache::kF16;
  bool huge_pages_ = true;
  AlignedBuffer<int8_t> head_q_;
  AlignedBuffer<float> head_scale_;
  AlignedBuffer<uint8_t> head_q4_;
  ModelStats stats_;
  EvalScratch scratch_;
};

int default_threads();

}  // namespace bitnet
