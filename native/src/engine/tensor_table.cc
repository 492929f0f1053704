#include "engine/tensor_table.h"

#include <string>
#include <unordered_map>

#include "engine/engine_error.h"

namespace bitnet {

namespace {

constexpr size_t kMaxTensors = 1 << 20;
constexpr size_t kMaxNameLength = 1024;

const char* type_name(int type) {
  switch (type) {
    case kF32: return "F32";
    case kF16: return "F16";
    case kI2S: return "I2_S";
    default: return "an unsupported type";
  }
}

std::string dims_text(const std::vector<int64_t>& dims) {
  std::string s = "{";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "}";
}

[[noreturn]] void fail(const std::string& name, const std::string& why) {
  throw EngineError(kBadModel, "tensor " + name + ": " + why);
}

// Checks one entry against the expected type and shape; returns its ref.
TensorRef check(const TensorInfo& t, int type, int64_t ne0, int64_t ne1, uint64_t file_size) {
  if (t.type != type) {
    fail(t.name, std::string("has type ") + type_name(t.type) + " (" + std::to_string(t.type) + "), expected " +
                     type_name(type));
  }
  if (t.dims.empty() || t.dims.size() > 4) fail(t.name, "has " + std::to_string(t.dims.size()) + " dimensions");
  int64_t d0 = t.dims[0];
  int64_t d1 = t.dims.size() > 1 ? t.dims[1] : 1;
  bool extra_ok = true;
  for (size_t i = 2; i < t.dims.size(); ++i) extra_ok = extra_ok && t.dims[i] == 1;
  if (d0 != ne0 || d1 != ne1 || !extra_ok) {
    fail(t.name, "has shape " + dims_text(t.dims) + ", expected {" + std::to_string(ne0) +
                     (ne1 != 1 ? ", " + std::to_string(ne1) : std::string()) + "}");
  }
  uint64_t n = static_cast<uint64_t>(ne0) * static_cast<uint64_t>(ne1);  // both < 2^31
  uint64_t expected = type == kF32 ? n * 4 : type == kF16 ? n * 2 : i2s_bytes(ne0, ne1);
  if (t.bytes != expected) {
    fail(t.name, "is " + std::to_string(t.bytes) + " bytes, expected " + std::to_string(expected));
  }
  if (t.offset > file_size || t.bytes > file_size - t.offset) {
    fail(t.name, "lies outside the file (offset " + std::to_string(t.offset) + " + " + std::to_string(t.bytes) +
                     " bytes > file size " + std::to_string(file_size) + "); the file may be truncated");
  }
  uint64_t align = type == kF32 ? 4 : type == kF16 ? 2 : 1;
  if (t.offset % align != 0) fail(t.name, "starts at a misaligned offset " + std::to_string(t.offset));
  TensorRef r;
  r.name = t.name;
  r.offset = t.offset;
  r.bytes = t.bytes;
  r.ne0 = ne0;
  r.ne1 = ne1;
  return r;
}

}  // namespace

ModelTensors resolve_tensors(const Hparams& hp, const std::vector<TensorInfo>& table, uint64_t file_size) {
  if (table.size() > kMaxTensors) throw EngineError(kBadModel, "the tensor table has too many entries");
  std::unordered_map<std::string, const TensorInfo*> by_name;
  by_name.reserve(table.size());
  for (const TensorInfo& t : table) {
    if (t.name.size() > kMaxNameLength) throw EngineError(kBadModel, "a tensor name is too long");
    if (!by_name.emplace(t.name, &t).second) fail(t.name, "appears more than once in the tensor table");
  }
  auto get = [&](const std::string& name, int type, int64_t ne0, int64_t ne1) {
    auto it = by_name.find(name);
    if (it == by_name.end()) fail(name, "is missing from the model file");
    return check(*it->second, type, ne0, ne1, file_size);
  };

  ModelTensors m;
  m.token_embd = get("token_embd.weight", kF16, hp.n_embd, hp.vocab);
  m.output_norm = get("output_norm.weight", kF32, hp.n_embd, 1);
  m.layers.resize(hp.n_layer);
  for (int l = 0; l < hp.n_layer; ++l) {
    std::string p = "blk." + std::to_string(l) + ".";
    LayerTensors& L = m.layers[l];
    L.attn_norm = get(p + "attn_norm.weight", kF32, hp.n_embd, 1);
    L.attn_q = get(p + "attn_q.weight", kI2S, hp.n_embd, hp.n_embd);
    L.attn_k = get(p + "attn_k.weight", kI2S, hp.n_embd, hp.kv_dim);
    L.attn_v = get(p + "attn_v.weight", kI2S, hp.n_embd, hp.kv_dim);
    L.attn_output = get(p + "attn_output.weight", kI2S, hp.n_embd, hp.n_embd);
    L.attn_sub_norm = get(p + "attn_sub_norm.weight", kF32, hp.n_embd, 1);
    L.ffn_norm = get(p + "ffn_norm.weight", kF32, hp.n_embd, 1);
    L.ffn_gate = get(p + "ffn_gate.weight", kI2S, hp.n_embd, hp.n_ff);
    L.ffn_up = get(p + "ffn_up.weight", kI2S, hp.n_embd, hp.n_ff);
    L.ffn_down = get(p + "ffn_down.weight", kI2S, hp.n_ff, hp.n_embd);
    L.ffn_sub_norm = get(p + "ffn_sub_norm.weight", kF32, hp.n_ff, 1);
  }
  return m;
}

}  // namespace bitnet
