// The model file changing on disk under a loaded model: truncated, rewritten
// in place (as cp and curl -o do) or replaced by a rename (as a download
// does). The process never crashes: evaluation either goes on from what was
// loaded or throws MODEL_CHANGED, leaving the context as it was. On Windows
// other programs cannot write the file while it is loaded, which is tested
// instead. Exits non-zero on the first failures.

#ifndef _WIN32
#include <unistd.h>
#endif

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "engine/context.h"
#include "engine/engine_error.h"
#include "engine/model.h"
#include "tiny_engine.h"

#include "check.h"

using namespace bitnet;

namespace {

using bitnet_test::failures;

std::unique_ptr<Model> load(const tiny::Model& m, LmHead head) { return tiny::load(m, 1, head); }

std::vector<int32_t> tokens(int n, int vocab) {
  std::vector<int32_t> t(n);
  for (int i = 0; i < n; ++i) t[i] = (i * 7919 + 13) % vocab;
  return t;
}

// Evaluates toks[from, to) and returns the last logits, or the error code.
std::string eval(Context& ctx, const std::vector<int32_t>& toks, int from, int to, std::vector<float>* logits) {
  logits->assign(ctx.logits_floats(1, false), 0.0f);
  try {
    ctx.eval(toks.data() + from, to - from, false, nullptr, logits->data());
    return "";
  } catch (const EngineError& e) {
    return e.code;
  }
}

void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");  // truncates, then writes: what cp does
  if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) std::abort();
  std::fclose(f);
}

#ifndef _WIN32
// The file's modification time moves on a coarse clock; let it tick, so a
// rewrite right after the first write is seen as one.
void let_the_clock_tick() { usleep(20 * 1000); }

void test_truncated_file(const tiny::Model& m) {
  write_bytes(m.path, m.bytes);
  auto model = load(m, LmHead::kInt8);
  Context ctx(*model, 64);
  std::vector<int32_t> toks = tokens(20, m.shape.vocab);
  std::vector<float> logits;
  CHECK(eval(ctx, toks, 0, 10, &logits).empty(), "eval before the truncation");
  CHECK(truncate(m.path.c_str(), static_cast<off_t>(m.bytes.size() / 2)) == 0, "truncate");
  CHECK(eval(ctx, toks, 10, 12, &logits) == kModelChanged, "eval after truncation throws MODEL_CHANGED");
  CHECK(ctx.length() == 10, "a failed eval keeps the context's length (got %d)", ctx.length());
  CHECK(eval(ctx, toks, 10, 11, &logits) == kModelChanged, "and so does every later eval");
  // Put back at full length: still not the file that was loaded (it was written to).
  write_bytes(m.path, m.bytes);
  CHECK(eval(ctx, toks, 10, 12, &logits) == kModelChanged, "eval after the file is restored");
}

void test_rewritten_in_place(const tiny::Model& m, const tiny::Model& other, LmHead head) {
  write_bytes(m.path, m.bytes);
  auto model = load(m, head);
  Context ctx(*model, 64);
  std::vector<int32_t> toks = tokens(20, m.shape.vocab);
  std::vector<float> logits;
  CHECK(eval(ctx, toks, 0, 10, &logits).empty(), "eval before the rewrite");
  let_the_clock_tick();
  write_bytes(m.path, other.bytes);  // same size, other weights
  CHECK(eval(ctx, toks, 10, 12, &logits) == kModelChanged, "eval after a rewrite in place throws MODEL_CHANGED");
  CHECK(ctx.length() == 10, "a failed eval keeps the context's length (got %d)", ctx.length());
  // A new load reads the new file.
  tiny::Model now = other;
  now.path = m.path;
  auto reloaded = load(now, LmHead::kInt8);
  Context fresh(*reloaded, 64);
  CHECK(eval(fresh, toks, 0, 12, &logits).empty(), "the reloaded model evaluates");
}

void test_replaced_by_rename(const tiny::Model& m, const tiny::Model& other) {
  write_bytes(m.path, m.bytes);
  auto model = load(m, LmHead::kInt8);
  std::vector<int32_t> toks = tokens(20, m.shape.vocab);
  std::vector<float> want, got;
  Context before(*model, 64);
  CHECK(eval(before, toks, 0, 10, &want).empty() && eval(before, toks, 10, 20, &want).empty(), "reference eval");
  Context ctx(*model, 64);
  CHECK(eval(ctx, toks, 0, 10, &got).empty(), "eval before the rename");
  const std::string fresh = m.path + ".new";
  write_bytes(fresh, other.bytes);
  CHECK(std::rename(fresh.c_str(), m.path.c_str()) == 0, "rename");
  CHECK(eval(ctx, toks, 10, 20, &got).empty(), "eval after the rename goes on from the file that was loaded");
  CHECK(std::memcmp(want.data(), got.data(), want.size() * 4) == 0, "with the same logits as before the rename");
}

void test_f16_head_keeps_its_copy(const tiny::Model& m) {
  write_bytes(m.path, m.bytes);
  auto model = load(m, LmHead::kF16);
  std::vector<int32_t> toks = tokens(12, m.shape.vocab);
  std::vector<float> want, got;
  Context before(*model, 64);
  CHECK(eval(before, toks, 0, 12, &want).empty(), "reference eval");
  CHECK(truncate(m.path.c_str(), 100) == 0, "truncate");
  Context ctx(*model, 64);
  CHECK(eval(ctx, toks, 0, 12, &got).empty(), "the F16 head evaluates from its own copy of the embedding");
  CHECK(std::memcmp(want.data(), got.data(), want.size() * 4) == 0, "with the same logits");
}

#else
void test_writers_are_refused(const tiny::Model& m) {
  write_bytes(m.path, m.bytes);
  auto model = load(m, LmHead::kInt8);
  Context ctx(*model, 64);
  std::vector<int32_t> toks = tokens(12, m.shape.vocab);
  std::vector<float> logits;
  FILE* f = std::fopen(m.path.c_str(), "wb");
  CHECK(f == nullptr, "opening the loaded model file for writing is refused");
  if (f) std::fclose(f);
  CHECK(eval(ctx, toks, 0, 12, &logits).empty(), "and evaluation goes on");
}
#endif

void test_truncated_before_load(const tiny::Model& m) {
  write_bytes(m.path, std::vector<uint8_t>(m.bytes.begin(), m.bytes.end() - 100));
  std::string code;
  try {
    load(m, LmHead::kInt8);
  } catch (const EngineError& e) {
    code = e.code;
  }
  CHECK(code == kBadModel, "a file shorter than its tensor table is refused with BAD_MODEL (got '%s')", code.c_str());
}

}  // namespace

int main() {
  tiny::Shape shape;
  const std::string path = tiny::temp_path("file-changed-test");
  tiny::Model m = tiny::make_model(42, shape, path);
  tiny::Model other = tiny::make_model(43, shape, path + "-other");
#ifndef _WIN32
  test_truncated_file(m);
  test_rewritten_in_place(m, other, LmHead::kInt8);
  // The 4-bit head reads its rescored F16 rows from the file too.
  test_rewritten_in_place(m, other, LmHead::kQ4);
  test_replaced_by_rename(m, other);
  test_f16_head_keeps_its_copy(m);
#else
  test_writers_are_refused(m);
#endif
  test_truncated_before_load(m);
  std::remove(path.c_str());
  std::remove(other.path.c_str());
  if (failures) {
    std::fprintf(stderr, "file_changed_test: %d failure(s)\n", failures);
    return 1;
  }
  std::printf("file_changed_test: ok\n");
  return 0;
}
