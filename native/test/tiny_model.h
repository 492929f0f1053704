#pragma once
// Test helpers shared by the engine tests: a tiny random BitNet model written
// as raw tensor bytes to a temp file (the tensor table is just data: no GGUF
// container is needed because the engine never parses one), and a plain,
// slow reference forward pass written straight from docs/forward-pass.md.

#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "engine/hparams.h"
#include "engine/ops.h"
#include "engine/tensor_table.h"
#include "kernels/fma_f32.h"
#include "kernels/kernels.h"

namespace tiny {

using bitnet::RawHparams;
using bitnet::TensorInfo;

struct Shape {
  int vocab = 300, ctx = 512, embd = 256, layers = 2, ff = 384, heads = 4, kv_heads = 2;
};

struct Model {
  std::string path;
  RawHparams hp;
  std::vector<TensorInfo> tensors;
  std::vector<uint8_t> bytes;  // the whole file
  Shape shape;

  const TensorInfo& find(const std::string& name) const {
    for (const auto& t : tensors)
      if (t.name == name) return t;
    std::fprintf(stderr, "tiny model has no tensor %s\n", name.c_str());
    std::abort();
  }
  const uint8_t* data(const std::string& name) const { return bytes.data() + find(name).offset; }
};

inline void append(std::vector<uint8_t>& out, const void* p, size_t n) {
  const uint8_t* b = static_cast<const uint8_t*>(p);
  out.insert(out.end(), b, b + n);
}

// Writes the file to `path` and returns the model description.
inline Model make_model(uint32_t seed, const Shape& s, const std::string& path) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Model m;
  m.path = path;
  m.shape = s;
  m.hp.vocab_size = s.vocab;
  m.hp.context_length = s.ctx;
  m.hp.embedding_length = s.embd;
  m.hp.block_count = s.layers;
  m.hp.feed_forward_length = s.ff;
  m.hp.head_count = s.heads;
  m.hp.head_count_kv = s.kv_heads;
  m.hp.rope_freq_base = 500000.0;
  m.hp.rms_epsilon = static_cast<double>(1e-5f);
  // A fake header: the engine only ever reads inside the table's ranges.
  m.bytes.assign(96, 0xEE);
  auto add = [&](const std::string& name, int type, std::vector<int64_t> dims, const std::vector<uint8_t>& data) {
    while (m.bytes.size() % 32) m.bytes.push_back(0);
    TensorInfo t;
    t.name = name;
    t.type = type;
    t.dims = dims;
    t.offset = m.bytes.size();
    t.bytes = data.size();
    append(m.bytes, data.data(), data.size());
    m.tensors.push_back(t);
  };
  auto f32_tensor = [&](int n, float mean, float spread) {
    std::vector<uint8_t> d(static_cast<size_t>(n) * 4);
    for (int i = 0; i < n; ++i) {
      float v = mean + spread * normal(rng);
      std::memcpy(&d[static_cast<size_t>(i) * 4], &v, 4);
    }
    return d;
  };
  auto i2s_tensor = [&](int cols, int rows) {
    std::vector<uint8_t> d(static_cast<size_t>(rows) * cols / 4 + 32);
    std::uniform_int_distribution<int> byte(0, 255);
    for (size_t i = 0; i < d.size() - 32; ++i) {
      uint8_t b = static_cast<uint8_t>(byte(rng));
      // Mostly codes 0..2 like real files, with a few 3s (read as 0).
      if ((i % 7) != 0)
        for (int k = 0; k < 4; ++k)
          if (((b >> (2 * k)) & 3) == 3) b = static_cast<uint8_t>(b & ~(1 << (2 * k)));
      d[i] = b;
    }
    float scale = 0.5f + std::fabs(normal(rng));
    std::memcpy(&d[d.size() - 32], &scale, 4);
    for (size_t i = d.size() - 28; i < d.size(); ++i) d[i] = static_cast<uint8_t>(byte(rng));  // junk tail
    return d;
  };
  {
    std::vector<uint8_t> e(static_cast<size_t>(s.vocab) * s.embd * 2);
    for (size_t i = 0; i < e.size() / 2; ++i) {
      uint16_t h = bitnet::f32_to_f16(0.5f * normal(rng));
      std::memcpy(&e[i * 2], &h, 2);
    }
    add("token_embd.weight", bitnet::kF16, {s.embd, s.vocab}, e);
  }
  add("output_norm.weight", bitnet::kF32, {s.embd}, f32_tensor(s.embd, 1.0f, 0.2f));
  int hd = s.embd / s.heads, kv = hd * s.kv_heads;
  for (int l = 0; l < s.layers; ++l) {
    std::string p = "blk." + std::to_string(l) + ".";
    add(p + "attn_norm.weight", bitnet::kF32, {s.embd}, f32_tensor(s.embd, 1.0f, 0.2f));
    add(p + "attn_q.weight", bitnet::kI2S, {s.embd, s.embd}, i2s_tensor(s.embd, s.embd));
    add(p + "attn_k.weight", bitnet::kI2S, {s.embd, kv}, i2s_tensor(s.embd, kv));
    add(p + "attn_v.weight", bitnet::kI2S, {s.embd, kv}, i2s_tensor(s.embd, kv));
    add(p + "attn_output.weight", bitnet::kI2S, {s.embd, s.embd}, i2s_tensor(s.embd, s.embd));
    add(p + "attn_sub_norm.weight", bitnet::kF32, {s.embd}, f32_tensor(s.embd, 1.0f, 0.2f));
    add(p + "ffn_norm.weight", bitnet::kF32, {s.embd}, f32_tensor(s.embd, 1.0f, 0.2f));
    add(p + "ffn_gate.weight", bitnet::kI2S, {s.embd, s.ff}, i2s_tensor(s.embd, s.ff));
    add(p + "ffn_up.weight", bitnet::kI2S, {s.embd, s.ff}, i2s_tensor(s.embd, s.ff));
    add(p + "ffn_down.weight", bitnet::kI2S, {s.ff, s.embd}, i2s_tensor(s.ff, s.embd));
    add(p + "ffn_sub_norm.weight", bitnet::kF32, {s.ff}, f32_tensor(s.ff, 1.0f, 0.2f));
  }
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || std::fwrite(m.bytes.data(), 1, m.bytes.size(), f) != m.bytes.size()) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    std::abort();
  }
  std::fclose(f);
  return m;
}

inline std::string temp_path(const char* tag) {
  return "/tmp/bitnet-" + std::string(tag) + "-" + std::to_string(getpid()) + ".bin";
}

// ---- The reference forward pass (docs/forward-pass.md, rounded as docs/exactness.md says) ----

class Reference {
 public:
  explicit Reference(const Model& m) : m_(m), s_(m.shape) {
    hd_ = s_.embd / s_.heads;
    kvd_ = hd_ * s_.kv_heads;
  }

  // Evaluates one batch; returns n x vocab logits. A batch of one token takes
  // the single-token rounding (docs/exactness.md) when `single_rounding`.
  std::vector<float> eval(const std::vector<int>& tokens, bool single_rounding = true) {
    const int n = static_cast<int>(tokens.size()), D = s_.embd;
    const bool single = single_rounding && n == 1;
    std::vector<std::vector<float>> h(n);
    for (int t = 0; t < n; ++t) {
      const uint16_t* row = reinterpret_cast<const uint16_t*>(m_.data("token_embd.weight")) + tokens[t] * D;
      h[t].resize(D);
      for (int c = 0; c < D; ++c) h[t][c] = bitnet::f16_to_f32(row[c]);
    }
    for (int l = 0; l < s_.layers; ++l) layer(l, h, single);
    std::vector<float> out;
    for (int t = 0; t < n; ++t) {
      std::vector<float> x = norm(h[t], "output_norm.weight");
      if (single) for (float& v : x) v = bitnet::f16_to_f32(bitnet::f32_to_f16(v));
      const uint16_t* e = reinterpret_cast<const uint16_t*>(m_.data("token_embd.weight"));
      for (int r = 0; r < s_.vocab; ++r) out.push_back(f16_dot(e + static_cast<size_t>(r) * D, x.data(), D));
    }
    pos_ += n;
    return out;
  }

 private:
  std::vector<float> norm(const std::vector<float>& x, const std::string& wname) {
    const int n = static_cast<int>(x.size());
    std::vector<float> w(n), y(n);
    std::memcpy(w.data(), m_.data(wname), n * 4);
    double sum = 0;
    for (float v : x) sum += static_cast<double>(v * v);
    float mean = static_cast<float>(sum / n);
    float scale = 1.0f / std::sqrt(mean + static_cast<float>(m_.hp.rms_epsilon));
    for (int i = 0; i < n; ++i) y[i] = (x[i] * scale) * w[i];
    return y;
  }

  // BitLinear straight from the I2_S bytes (docs/model-file.md, docs/forward-pass.md).
  std::vector<float> bitlinear(const std::string& name, const std::vector<float>& x) {
    const TensorInfo& t = m_.find(name);
    const int K = static_cast<int>(t.dims[0]), N = static_cast<int>(t.dims[1]);
    const uint8_t* d = m_.bytes.data() + t.offset;
    float wscale;
    std::memcpy(&wscale, d + static_cast<size_t>(K) * N / 4, 4);
    double mx = 1e-5;
    for (float v : x) mx = std::max(mx, static_cast<double>(std::fabs(v)));
    float s = static_cast<float>(127.0 / mx);
    std::vector<int> q(K);
    for (int i = 0; i < K; ++i) {
      float r = std::nearbyint(x[i] * s);
      q[i] = static_cast<int>(std::max(-128.0f, std::min(127.0f, r)));
    }
    std::vector<float> y(N);
    for (int r = 0; r < N; ++r) {
      int acc = 0;
      for (int c = 0; c < K; ++c) {
        size_t flat = static_cast<size_t>(r) * K + c;
        int i = static_cast<int>(flat % 128);
        int code = (d[flat / 128 * 32 + i % 32] >> (6 - 2 * (i / 32))) & 3;
        int w = code == 3 ? 0 : code - 1;
        acc += w * q[c];
      }
      y[r] = (static_cast<float>(acc) / s) * wscale;
    }
    return y;
  }

  // The canonical f16 dot of kernels.h: 16 fma lanes, then a halving tree.
  static float f16_dot(const uint16_t* a, const float* x, int n) {
    float acc[16] = {0};
    for (int c = 0; c < n; ++c) acc[c % 16] = bitnet::fma_f32(bitnet::f16_to_f32(a[c]), x[c], acc[c % 16]);
    for (int w = 8; w >= 1; w /= 2)
      for (int l = 0; l < w; ++l) acc[l] += acc[l + w];
    return acc[0];
  }

  void rope(float* v, int pos) {
    const int half = hd_ / 2;
    const float theta_scale = std::pow(static_cast<float>(m_.hp.rope_freq_base), -2.0f / hd_);
    float theta = static_cast<float>(pos);
    for (int i = 0; i < half; ++i) {
      float c = std::cos(theta), s = std::sin(theta);
      float x0 = v[i], x1 = v[i + half];
      v[i] = bitnet::fma_f32(x0, c, -(x1 * s));
      v[i + half] = bitnet::fma_f32(x0, s, x1 * c);
      theta *= theta_scale;
    }
  }

  void layer(int l, std::vector<std::vector<float>>& h, bool single) {
    const std::string p = "blk." + std::to_string(l) + ".";
    const int n = static_cast<int>(h.size()), D = s_.embd;
    if (static_cast<int>(kc_.size()) <= l) {
      kc_.resize(l + 1);
      vc_.resize(l + 1);
    }
    std::vector<std::vector<float>> q(n);
    for (int t = 0; t < n; ++t) {
      std::vector<float> a = norm(h[t], p + "attn_norm.weight");
      q[t] = bitlinear(p + "attn_q.weight", a);
      std::vector<float> k = bitlinear(p + "attn_k.weight", a);
      std::vector<float> v = bitlinear(p + "attn_v.weight", a);
      for (int hh = 0; hh < s_.heads; ++hh) rope(&q[t][hh * hd_], pos_ + t);
      for (int g = 0; g < s_.kv_heads; ++g) rope(&k[g * hd_], pos_ + t);
      std::vector<uint16_t> k16(kvd_), v16(kvd_);
      for (int i = 0; i < kvd_; ++i) {
        k16[i] = bitnet::f32_to_f16(k[i]);
        v16[i] = bitnet::f32_to_f16(v[i]);
      }
      kc_[l].push_back(k16);
      vc_[l].push_back(v16);
    }
    const float scale = 1.0f / std::sqrt(static_cast<float>(hd_));
    for (int t = 0; t < n; ++t) {
      const int n_kv = pos_ + t + 1;
      std::vector<float> att(D, 0.0f);
      for (int hh = 0; hh < s_.heads; ++hh) {
        const int g = hh / (s_.heads / s_.kv_heads);
        std::vector<float> qr(hd_);
        for (int i = 0; i < hd_; ++i) qr[i] = bitnet::f16_to_f32(bitnet::f32_to_f16(q[t][hh * hd_ + i]));
        std::vector<float> w(n_kv);
        float mx = -INFINITY;
        for (int j = 0; j < n_kv; ++j) {
          w[j] = f16_dot(&kc_[l][j][g * hd_], qr.data(), hd_) * scale;
          mx = std::max(mx, w[j]);
        }
        double sum = 0;
        for (int j = 0; j < n_kv; ++j) {
          w[j] = bitnet::exp_fixed(w[j] - mx);  // the engine's own exp: a defined function, not libm
          sum += w[j];
        }
        float inv = static_cast<float>(1.0 / sum);
        for (int j = 0; j < n_kv; ++j) {
          w[j] *= inv;
          if (single) w[j] = bitnet::f16_to_f32(bitnet::f32_to_f16(w[j]));
        }
        // V.p in the canonical f16 dot order, one output dimension at a time.
        std::vector<uint16_t> column(n_kv);
        for (int i = 0; i < hd_; ++i) {
          for (int j = 0; j < n_kv; ++j) column[j] = vc_[l][j][g * hd_ + i];
          att[hh * hd_ + i] = f16_dot(column.data(), w.data(), n_kv);
        }
      }
      std::vector<float> o = bitlinear(p + "attn_output.weight", norm(att, p + "attn_sub_norm.weight"));
      for (int i = 0; i < D; ++i) h[t][i] = o[i] + h[t][i];
      std::vector<float> u = norm(h[t], p + "ffn_norm.weight");
      std::vector<float> up = bitlinear(p + "ffn_up.weight", u);
      std::vector<float> gate = bitlinear(p + "ffn_gate.weight", u);
      std::vector<float> mm(s_.ff);
      for (int i = 0; i < s_.ff; ++i) {
        float r = gate[i] > 0 ? gate[i] : 0.0f;
        float sq = r * r;
        mm[i] = sq * up[i];
      }
      std::vector<float> d = bitlinear(p + "ffn_down.weight", norm(mm, p + "ffn_sub_norm.weight"));
      for (int i = 0; i < D; ++i) h[t][i] = d[i] + h[t][i];
    }
  }

  const Model& m_;
  Shape s_;
  int hd_ = 0, kvd_ = 0, pos_ = 0;
  std::vector<std::vector<std::vector<uint16_t>>> kc_, vc_;  // [layer][pos][kv_dim]
};

}  // namespace tiny
