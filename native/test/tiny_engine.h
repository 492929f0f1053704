#pragma once
// What the engine tests share: a tiny model file loaded with a given thread
// count, LM head, kernel table and KV cache, and repeatable token streams.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/model.h"
#include "tiny_model.h"

namespace tiny {

// n token ids below `vocab`, the same for the same seed.
inline std::vector<int32_t> random_tokens(int n, int vocab, uint32_t seed) {
  std::vector<int32_t> t(n);
  uint32_t x = seed * 2654435761u + 1;
  for (int i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;
    t[i] = static_cast<int32_t>((x >> 8) % static_cast<uint32_t>(vocab));
  }
  return t;
}

inline std::unique_ptr<bitnet::Model> load(const Model& m, int threads, bitnet::LmHead head,
                                           const std::string& kernels = "",
                                           bitnet::KvCache kv = bitnet::KvCache::kF16) {
  bitnet::LoadSpec spec;
  spec.path = m.path;
  spec.hparams = m.hp;
  spec.tensors = m.tensors;
  spec.threads = threads;
  spec.lm_head = head;
  spec.kernels = kernels;
  spec.kv_cache = kv;
  return bitnet::Model::load(spec);
}

}  // namespace tiny
