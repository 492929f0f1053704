#include "engine/strict_fp.h"
#include "engine/model.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <mutex>
#include <vector>

#include "cpu_features.h"
#include "engine/context.h"
#include "engine/engine_error.h"
#include "engine/ops.h"
#include "engine/q4_head.h"

namespace bitnet {

namespace {

const KernelTable& pick_kernels(const std::string& name) {
  if (name.empty()) return best_kernels();
  std::string names;
  for (const KernelTable* k : runnable_kernels()) {
    if (name == k->name) return *k;
    names += names.empty() ? k->name : std::string(", ") + k->name;
  }
  throw EngineError(kBadArgument, "kernels '" + name + "' cannot run on this CPU; available: " + names);
}

struct RepackJob {
  TensorRef ref;
  TernaryWeight* dst;
};

// Pool jobs must not throw: the first error is kept and rethrown after.
class FirstError {
 public:
  template <typename Fn>
  void run(Fn&& fn) {
    try {
      fn();
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu_);
      if (!error_) error_ = std::current_exception();
    }
  }
  void rethrow() {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::mutex mu_;
  std::exception_ptr error_;
};

// Rows of the embedding read and converted at a time by one worker.
constexpr int kHeadRowBlock = 256;

// The largest magnitude a norm weight or a ternary scale may have. Trained
// BitNet models hold values of order 1 (the official 2B4T file's scales are
// 0.74 to 4.6). Much larger ones overflow the activations (F16 in the KV
// cache first), and the model then gives logits that are all 0 or NaN.
constexpr float kMaxWeightMagnitude = 1000.0f;

std::string magnitude_error(const std::string& tensor, const char* what, float value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", static_cast<double>(value));
  return "tensor " + tensor + " holds " + what + " of " + text + "; a BitNet model's are of order 1 (at most " +
         std::to_string(static_cast<int>(kMaxWeightMagnitude)) + "), so the file is damaged";
}

// A first evaluation: a model whose weights pass every check yet give no
// usable output (logits all equal, as all 0, or not finite) is refused at
// load instead of producing silent garbage.
void check_output(Model& model) {
  const Hparams& hp = model.hparams();
  const int n = std::min(2, hp.context_length);
  Context ctx(model, n);
  std::vector<float> logits(ctx.logits_floats(n, false));
  const int32_t tokens[2] = {0, hp.vocab / 2};
  ctx.eval(tokens, n, false, nullptr, logits.data());
  float lo = logits[0], hi = logits[0];
  for (float v : logits) {
    if (!std::isfinite(v)) throw EngineError(kBadModel, "the model gives logits that are not finite numbers; its weights are damaged");
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (lo == hi && hp.vocab > 1) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", static_cast<double>(lo));
    throw EngineError(kBadModel, std::string("the model gives the same logit (") + text +
                                     ") for every token, so it cannot choose one; its weights are damaged");
  }
}

}  // namespace

int default_threads() {
  int n = cpu_features().physical_cores;
  return n < 1 ? 1 : n;
}

std::unique_ptr<Model> Model::load(const LoadSpec& spec) {
  auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<Model> m(new Model());
  m->hp_ = validate_hparams(spec.hparams);
  m->kernels_ = &pick_kernels(spec.kernels);
  if (spec.threads < 0 || spec.threads > 256) {
    throw EngineError(kBadArgument, "threads must be between 0 and 256, got " + std::to_string(spec.threads));
  }
  m->file_ = std::make_unique<ModelFile>(spec.path);
  m->file_->will_read_sequentially();
  ModelTensors mt = resolve_tensors(m->hp_, spec.tensors, m->file_->size());
  m->pool_ = std::make_unique<ThreadPool>(spec.threads == 0 ? default_threads() : spec.threads);
  m->lm_head_ = spec.lm_head;
  m->kv_cache_ = spec.kv_cache;
  m->huge_pages_ = spec.huge_pages;

  m->copy_norm(mt.output_norm, &m->output_norm_);
  m->layers_.resize(m->hp_.n_layer);
  for (int l = 0; l < m->hp_.n_layer; ++l) {
    const LayerTensors& L = mt.layers[l];
    LayerWeights& W = m->layers_[l];
    m->copy_norm(L.attn_norm, &W.attn_norm);
    m->copy_norm(L.attn_sub_norm, &W.attn_sub_norm);
    m->copy_norm(L.ffn_norm, &W.ffn_norm);
    m->copy_norm(L.ffn_sub_norm, &W.ffn_sub_norm);
  }
  m->repack_all(mt);

  m->embd_offset_ = mt.token_embd.offset;
  m->embd_bytes_ = mt.token_embd.bytes;
  switch (m->lm_head_) {
    case LmHead::kInt8: m->build_int8_head(); break;
    case LmHead::kQ4: m->build_q4_head(); break;
    case LmHead::kF16: m->copy_embedding(); break;
  }
  check_output(*m);
  // Everything above came from one version of the file.
  m->file_->check_unchanged();

  // What stays resident and what one decoded token reads.
  const Hparams& hp = m->hp_;
  uint64_t ternary = 0, norms = m->output_norm_.bytes();
  for (const LayerWeights& W : m->layers_) {
    for (const TernaryWeight* t : {&W.q, &W.k, &W.v, &W.o, &W.gate, &W.up, &W.down}) ternary += t->bytes;
    norms += W.attn_norm.bytes() + W.attn_sub_norm.bytes() + W.ffn_norm.bytes() + W.ffn_sub_norm.bytes();
  }
  const uint64_t f16_row = static_cast<uint64_t>(hp.n_embd) * 2;
  uint64_t head = 0, head_rows_read = 0;  // kept; F16 rows read from the file per token
  switch (m->lm_head_) {
    case LmHead::kInt8: head = m->head_q_.bytes() + m->head_scale_.bytes(); break;
    case LmHead::kQ4:
      head = m->head_q4_.bytes() + m->head_scale_.bytes();
      head_rows_read = static_cast<uint64_t>(std::min(kQ4Candidates, hp.vocab)) * f16_row;
      break;
    case LmHead::kF16: head = static_cast<uint64_t>(hp.vocab) * f16_row; break;
  }
  m->stats_.weight_bytes = ternary + head + norms;
  // The embedding row of the token, and the rescored rows of a 4-bit head.
  m->stats_.bytes_per_token = ternary + head + norms + f16_row + head_rows_read;
  m->stats_.load_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return m;
}

void Model::set_threads(int threads) {
  if (threads < 0 || threads > 256) {
    throw EngineError(kBadArgument, "threads must be between 0 and 256, got " + std::to_string(threads));
  }
  pool_->resize(threads == 0 ? default_threads() : threads);
}

void Model::copy_norm(const TensorRef& t, AlignedBuffer<float>* out) const {
  size_t n = static_cast<size_t>(t.ne0);
  out->reset(n);
  file_->read(t.offset, n * sizeof(float), out->data());
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite((*out)[i])) {
      throw EngineError(kBadModel, "tensor " + t.name + " holds a non-finite value at index " + std::to_string(i));
    }
    if (std::fabs((*out)[i]) > kMaxWeightMagnitude) throw EngineError(kBadModel, magnitude_error(t.name, "a weight", (*out)[i]));
  }
}

void Model::repack_all(const ModelTensors& mt) {
  // Check and place serially (may throw), then repack in parallel. One arena
  // holds every matrix, in the order a token reads them.
  std::vector<RepackJob> jobs;
  size_t total = 0, largest = 0;
  for (int l = 0; l < hp_.n_layer; ++l) {
    const LayerTensors& L = mt.layers[l];
    LayerWeights& W = layers_[l];
    const std::pair<const TensorRef*, TernaryWeight*> pairs[] = {
        {&L.attn_q, &W.q},       {&L.attn_k, &W.k},   {&L.attn_v, &W.v},     {&L.attn_output, &W.o},
        {&L.ffn_gate, &W.gate}, {&L.ffn_up, &W.up}, {&L.ffn_down, &W.down}};
    for (const auto& [ref, w] : pairs) {
      float scale;
      file_->read(ref->offset + static_cast<uint64_t>(ref->ne0) * ref->ne1 / 4, sizeof scale, &scale);
      if (!std::isfinite(scale)) throw EngineError(kBadModel, "tensor " + ref->name + " has a non-finite scale");
      if (std::fabs(scale) > kMaxWeightMagnitude) throw EngineError(kBadModel, magnitude_error(ref->name, "a scale", scale));
      w->m.rows = static_cast<int>(ref->ne1);
      w->m.cols = static_cast<int>(ref->ne0);
      w->m.scale = scale;
      w->bytes = ternary_packed_bytes(w->m.rows, w->m.cols);
      total += (w->bytes + 63) / 64 * 64;
      jobs.push_back({*ref, w});
      largest = std::max<size_t>(largest, ref->bytes);
    }
  }
  arena_.reset(total, huge_pages_ ? AlignedBuffer<uint8_t>::Pages::kHuge : AlignedBuffer<uint8_t>::Pages::kDefault);
  size_t at = 0;
  for (RepackJob& job : jobs) {
    job.dst->m.packed = arena_.data() + at;
    at += (job.dst->bytes + 63) / 64 * 64;
  }
  // Each worker reads a tensor's I2_S codes into its own buffer, then repacks.
  std::vector<AlignedBuffer<uint8_t>> codes(pool_->size());
  for (auto& c : codes) c.reset(largest);
  FirstError error;
  pool_->run_chunks(static_cast<int>(jobs.size()), [&](int j, int worker) {
    error.run([&] {
      const RepackJob& job = jobs[j];
      uint8_t* src = codes[worker].data();
      file_->read(job.ref.offset, job.ref.bytes, src);
      ternary_pack_i2s(src, job.dst->m.rows, job.dst->m.cols, const_cast<uint8_t*>(job.dst->m.packed));
    });
  });
  error.rethrow();
}

// A table from every F16 bit pattern to its f32 value: the head is built from
// 300+ million halves, and a lookup is the cheapest exact conversion.
static const float* f16_table() {
  static const std::unique_ptr<float[]> table = [] {
    std::unique_ptr<float[]> t(new float[65536]);
    for (uint32_t h = 0; h < 65536; ++h) t[h] = f16_to_f32(static_cast<uint16_t>(h));
    return t;
  }();
  return table.get();
}

// One row of a quantized head: round-half-even(w * inv), clamped to
// +-limit. Adding and removing 1.5 * 2^23 rounds a float of magnitude below
// 2^22 to an integer in the current (nearest-even) mode, and vectorizes.
BITNET_VECTOR_CLONES
static void quantize_head_row(const uint16_t* src, int cols, const float* table, float inv, float limit, int8_t* dst) {
  const float kRound = 12582912.0f;
  for (int c = 0; c < cols; ++c) {
    float v = table[src[c]] * inv;
    v = (v + kRound) - kRound;
    v = v > limit ? limit : v < -limit ? -limit : v;
    dst[c] = static_cast<int8_t>(static_cast<int>(v));
  }
}

template <typename RowFn>
void Model::each_embedding_row(RowFn&& row) {
  const int rows = hp_.vocab, cols = hp_.n_embd;
  const float* table = f16_table();
  std::atomic<int64_t> bad_row{-1};
  std::vector<AlignedBuffer<uint16_t>> blocks(pool_->size());
  for (auto& b : blocks) b.reset(static_cast<size_t>(kHeadRowBlock) * cols);
  FirstError error;
  const int n_blocks = (rows + kHeadRowBlock - 1) / kHeadRowBlock;
  pool_->run_chunks(n_blocks, [&](int b, int worker) {
    error.run([&] {
      const int64_t r0 = static_cast<int64_t>(b) * kHeadRowBlock, r1 = std::min<int64_t>(rows, r0 + kHeadRowBlock);
      uint16_t* block = blocks[worker].data();
      file_->read(embd_offset_ + static_cast<uint64_t>(r0) * cols * 2, static_cast<uint64_t>(r1 - r0) * cols * 2, block);
      for (int64_t r = r0; r < r1; ++r) {
        const uint16_t* src = block + (r - r0) * cols;
        float amax = 0.0f;
        bool finite = true;
        for (int c = 0; c < cols; ++c) {
          finite = finite && (src[c] & 0x7c00) != 0x7c00;
          float a = std::fabs(table[src[c]]);
          amax = a > amax ? a : amax;
        }
        if (!finite) {
          bad_row.store(r);
          continue;
        }
        row(r, src, amax, worker);
      }
    });
  });
  error.rethrow();
  if (bad_row.load() >= 0) {
    throw EngineError(kBadModel, "tensor token_embd.weight holds a non-finite value in row " +
                                     std::to_string(bad_row.load()));
  }
}

// Per-row symmetric int8: scale = max|w| / 127, q = round-half-even(w * 127 / max|w|).
void Model::build_int8_head() {
  const int cols = hp_.n_embd;
  head_q_.reset(static_cast<size_t>(hp_.vocab) * cols,
                huge_pages_ ? AlignedBuffer<int8_t>::Pages::kHuge : AlignedBuffer<int8_t>::Pages::kDefault);
  head_scale_.reset(hp_.vocab);
  const float* table = f16_table();
  each_embedding_row([&](int64_t r, const uint16_t* src, float amax, int) {
    quantize_head_row(src, cols, table, amax > 0.0f ? 127.0f / amax : 0.0f, 127.0f, head_q_.data() + r * cols);
    head_scale_[r] = amax / 127.0f;
  });
}

// Per-row symmetric 4-bit: scale = max|w| / 7, code = round-half-even(w * 7 /
// max|w|) in -7..7, packed as in kernels.h.
void Model::build_q4_head() {
  const int cols = hp_.n_embd;
  const size_t stride = q4_row_bytes(cols);
  head_q4_.reset(static_cast<size_t>(hp_.vocab) * stride,
                 huge_pages_ ? AlignedBuffer<uint8_t>::Pages::kHuge : AlignedBuffer<uint8_t>::Pages::kDefault);
  head_scale_.reset(hp_.vocab);
  const float* table = f16_table();
  std::vector<std::vector<int8_t>> codes(pool_->size(), std::vector<int8_t>(cols));
  each_embedding_row([&](int64_t r, const uint16_t* src, float amax, int worker) {
    int8_t* w = codes[worker].data();
    quantize_head_row(src, cols, table, amax > 0.0f ? 7.0f / amax : 0.0f, 7.0f, w);
    q4_pack_row(w, cols, head_q4_.data() + r * stride);
    head_scale_[r] = amax / 7.0f;
  });
}

// The exact F16 head reads every row every token: it gets its own copy, so
// that nothing evaluation reads stays in the file.
void Model::copy_embedding() {
  const size_t n = static_cast<size_t>(hp_.vocab) * hp_.n_embd;
  embd_copy_.reset(n);
  file_->read(embd_offset_, embd_bytes_, embd_copy_.data());
  const uint16_t* p = embd_copy_.data();
  std::atomic<int64_t> bad{-1};
  pool_->parallel_for(static_cast<int64_t>(n), 4096, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      if ((p[i] & 0x7c00) == 0x7c00) {
        bad.store(i);
        return;
      }
    }
  });
  if (bad.load() >= 0) {
    throw EngineError(kBadModel, "tensor token_embd.weight holds a non-finite value in row " +
                                     std::to_string(bad.load() / hp_.n_embd));
  }
}

void Model::embedding_rows(const int32_t* tokens, int n, uint16_t* out) const {
  const size_t row = static_cast<size_t>(hp_.n_embd);
  if (lm_head_ == LmHead::kF16) {
    for (int t = 0; t < n; ++t) std::memcpy(out + t * row, embd_copy_.data() + tokens[t] * row, row * 2);
    return;
  }
  for (int t = 0; t < n; ++t) file_->read(embd_offset_ + static_cast<uint64_t>(tokens[t]) * row * 2, row * 2, out + t * row);
  // The rows are the loaded model's only if the file was not written to meanwhile.
  file_->check_unchanged();
}

}  // namespace bitnet
