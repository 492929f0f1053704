// Drives the loader with thousands of hostile inputs: mutated tensor tables
// (offsets, sizes, dims, types, names, counts), mutated hyperparameters, and
// truncated or garbage files. Every case must either load (and then evaluate
// a few tokens without harm) or throw an EngineError with a message; no
// crash, no sanitizer report, no hang. Build with `make SAN=1 run`.

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "engine/context.h"
#include "engine/engine_error.h"
#include "engine/model.h"
#include "tiny_model.h"

#include "check.h"

using namespace bitnet;

namespace {

using bitnet_test::failures;
int loaded = 0, rejected = 0;

std::mt19937_64 rng(0xB17E7);

int64_t pick(std::initializer_list<int64_t> xs) {
  auto it = xs.begin();
  std::advance(it, std::uniform_int_distribution<size_t>(0, xs.size() - 1)(rng));
  return *it;
}
int rand_int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    std::exit(2);
  }
  if (!bytes.empty()) std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
}

// Loads the spec; on success evaluates a few tokens. Returns true if loaded.
bool try_load(const LoadSpec& spec, const char* what) {
  try {
    std::unique_ptr<Model> m = Model::load(spec);
    ++loaded;
    const Hparams& hp = m->hparams();
    Context ctx(*m, std::min(hp.context_length, 8));
    std::vector<float> out(ctx.logits_floats(3, true));
    int32_t toks[3] = {0, hp.vocab - 1, hp.vocab / 2};
    int n = std::min(3, ctx.capacity());
    ctx.eval(toks, n, true, nullptr, out.data());
    return true;
  } catch (const EngineError& e) {
    ++rejected;
    CHECK(std::strlen(e.what()) > 10, "%s: an error without a useful message: '%s'", what, e.what());
    CHECK(e.code != nullptr && e.code[0] != 0, "%s: an error without a code", what);
    return false;
  }
}

double random_hparam_value() {
  switch (rand_int(0, 9)) {
    case 0: return 0;
    case 1: return -1;
    case 2: return std::numeric_limits<double>::quiet_NaN();
    case 3: return std::numeric_limits<double>::infinity();
    case 4: return 1e300;
    case 5: return 2.5;
    case 6: return static_cast<double>(pick({1, 2, 3, 64, 127, 128, 129, 256, 4096, 1 << 20, 1 << 21, 1 << 30}));
    case 7: return 4294967296.0 + 128;
    case 8: return -1e-5;
    default: return static_cast<double>(rand_int(1, 600));
  }
}

void mutate_hparams(RawHparams& h) {
  double* fields[] = {&h.vocab_size, &h.context_length, &h.embedding_length, &h.block_count, &h.feed_forward_length,
                      &h.head_count, &h.head_count_kv,  &h.rope_freq_base,   &h.rms_epsilon};
  int n = rand_int(1, 2);
  for (int i = 0; i < n; ++i) *fields[rand_int(0, 8)] = random_hparam_value();
}

void mutate_table(std::vector<TensorInfo>& t, uint64_t file_size) {
  if (t.empty()) return;
  TensorInfo& e = t[rand_int(0, static_cast<int>(t.size()) - 1)];
  switch (rand_int(0, 11)) {
    case 0: e.offset = static_cast<uint64_t>(pick({0, 1, 2, 31, static_cast<int64_t>(file_size), static_cast<int64_t>(file_size) - 1,
                                                   static_cast<int64_t>(file_size) + 32, (int64_t{1} << 53) - 1}));
      break;
    case 1: e.offset += static_cast<uint64_t>(pick({1, 2, 4, 32, 4096, -1, -2, -32}));
      break;
    case 2: e.bytes = static_cast<uint64_t>(pick({0, 1, static_cast<int64_t>(e.bytes) - 1, static_cast<int64_t>(e.bytes) + 1,
                                                  static_cast<int64_t>(e.bytes) * 2, (int64_t{1} << 53) - 1}));
      break;
    case 3: e.type = static_cast<int>(pick({0, 1, 2, 8, 34, 35, 36, 37, -1, 1 << 20}));
      break;
    case 4: if (!e.dims.empty()) e.dims[rand_int(0, static_cast<int>(e.dims.size()) - 1)] = pick({0, 1, -1, 2, 127, 129, 255, 256, 384, 1 << 30, INT64_MAX, INT64_MIN});
      break;
    case 5: e.dims.push_back(pick({1, 2, 0}));
      break;
    case 6: if (!e.dims.empty()) e.dims.pop_back();
      break;
    case 7: e.dims.assign(rand_int(0, 6), 1);
      break;
    case 8: e.name = pick({0, 1}) ? "blk.0.attn_q.weight" : e.name + "x";
      break;
    case 9: t.push_back(e);  // a duplicate
      break;
    case 10: t.erase(t.begin() + rand_int(0, static_cast<int>(t.size()) - 1));
      break;
    default: {
      TensorInfo& o = t[rand_int(0, static_cast<int>(t.size()) - 1)];
      std::swap(e.offset, o.offset);
      break;
    }
  }
}

}  // namespace

int main() {
  tiny::Shape shape;
  shape.vocab = 64;
  shape.ctx = 16;
  shape.embd = 128;
  shape.layers = 1;
  shape.ff = 256;
  shape.heads = 2;
  shape.kv_heads = 1;
  const std::string path = tiny::temp_path("loader-fuzz");
  const std::string scratch = path + "-mut";
  const tiny::Model base = tiny::make_model(1, shape, path);

  LoadSpec good;
  good.path = path;
  good.hparams = base.hp;
  good.tensors = base.tensors;
  good.threads = 2;
  CHECK(try_load(good, "the untouched model"), "the untouched model must load");
  good.lm_head = LmHead::kF16;
  CHECK(try_load(good, "the untouched model, F16 head"), "the untouched model must load with the F16 head");

  // Files that are not there or not models at all.
  {
    LoadSpec s = good;
    s.path = path + "-missing";
    CHECK(!try_load(s, "missing file"), "a missing file is rejected");
    s.path = "/tmp";
    CHECK(!try_load(s, "a directory"), "a directory is rejected");
    write_file(scratch, {});
    s.path = scratch;
    CHECK(!try_load(s, "an empty file"), "an empty file is rejected");
  }

  const int kTableCases = 2500, kHparamCases = 800, kFileCases = 700;
  for (int i = 0; i < kTableCases; ++i) {
    LoadSpec s = good;
    s.lm_head = i % 2 ? LmHead::kF16 : LmHead::kInt8;
    s.threads = 1 + i % 2;
    int n = rand_int(1, 3);
    for (int k = 0; k < n; ++k) mutate_table(s.tensors, base.bytes.size());
    try_load(s, "mutated table");
  }
  for (int i = 0; i < kHparamCases; ++i) {
    LoadSpec s = good;
    s.threads = 1;
    mutate_hparams(s.hparams);
    try_load(s, "mutated hparams");
  }
  for (int i = 0; i < kFileCases; ++i) {
    std::vector<uint8_t> bytes = base.bytes;
    switch (rand_int(0, 3)) {
      case 0: bytes.resize(static_cast<size_t>(rand_int(0, static_cast<int>(bytes.size()) - 1)));  // truncated
        break;
      case 1:  // garbage sprinkled anywhere (including the scales' tails and the norms)
        for (int k = rand_int(1, 64); k > 0; --k) bytes[rand_int(0, static_cast<int>(bytes.size()) - 1)] = static_cast<uint8_t>(rand_int(0, 255));
        break;
      case 2: {  // a non-finite value into a float tensor or an I2_S scale
        const TensorInfo& t = base.tensors[rand_int(0, static_cast<int>(base.tensors.size()) - 1)];
        uint64_t at = t.type == kI2S ? t.offset + t.bytes - 32 : t.offset + (t.bytes / 2 / 4) * 4;
        float bad = pick({0, 1}) ? NAN : INFINITY;
        if (t.type == kF16) {
          uint16_t h = 0x7c00;
          std::memcpy(&bytes[t.offset + (t.bytes / 4) * 2], &h, 2);
        } else {
          std::memcpy(&bytes[at], &bad, 4);
        }
        break;
      }
      default:  // all garbage
        for (auto& b : bytes) b = static_cast<uint8_t>(rand_int(0, 255));
        break;
    }
    write_file(scratch, bytes);
    LoadSpec s = good;
    s.path = scratch;
    s.threads = 1 + i % 2;
    s.lm_head = i % 3 ? LmHead::kInt8 : LmHead::kF16;
    try_load(s, "mutated file");
  }
  std::remove(path.c_str());
  std::remove(scratch.c_str());
  std::printf("loader_fuzz_test: %d cases loaded, %d rejected with an error\n", loaded, rejected);
  if (failures) {
    std::fprintf(stderr, "loader_fuzz_test: %d failure(s)\n", failures);
    return 1;
  }
  return 0;
}
