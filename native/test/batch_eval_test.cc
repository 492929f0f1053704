// One pass over several contexts (a server's slots), each with its own
// tokens: a context's logits and KV cache must be bit for bit what
// evaluating its tokens alone gives (a decode step or a prompt chunk), in
// every kernel table, with either LM head, over contexts of different
// lengths; misuse and abort leave every context as it was.
// Exits non-zero on the first failures.

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "engine/batch_eval.h"
#include "engine/context.h"
#include "engine/engine_error.h"
#include "engine/model.h"
#include "tiny_engine.h"

#include "check.h"

using namespace bitnet;

namespace {

using bitnet_test::failures;

using tiny::load;
using tiny::random_tokens;

// One token per context: a decode step.
std::vector<int32_t> ones(int n) { return std::vector<int32_t>(n, 1); }

size_t count_diff(const float* a, const float* b, size_t n) {
  size_t d = 0;
  for (size_t i = 0; i < n; ++i) d += std::memcmp(&a[i], &b[i], 4) != 0;
  return d;
}

// Prompts of different lengths (one past a V block), so rows sit at
// different positions and attend over caches of different sizes.
const int kPrompts[] = {3, 17, 9, 140, 2};
constexpr int kRows = 5;
constexpr int kSteps = 3;

void check_equal_to_alone(const tiny::Model& m, int threads, LmHead head, const KernelTable& k,
                          KvCache kv = KvCache::kF16) {
  auto model = load(m, threads, head, k.name, kv);
  const int vocab = m.shape.vocab;
  std::vector<std::unique_ptr<Context>> alone, batched;
  for (int i = 0; i < kRows; ++i) {
    alone.push_back(std::make_unique<Context>(*model, 200));
    batched.push_back(std::make_unique<Context>(*model, 200));
    std::vector<int32_t> prompt = random_tokens(kPrompts[i], vocab, 100 + i);
    std::vector<float> out(vocab);
    alone[i]->eval(prompt.data(), kPrompts[i], false, nullptr, out.data());
    batched[i]->eval(prompt.data(), kPrompts[i], false, nullptr, out.data());
  }
  BatchEval batch(*model);
  std::vector<Context*> rows;
  for (auto& c : batched) rows.push_back(c.get());
  for (int step = 0; step < kSteps; ++step) {
    std::vector<int32_t> tokens = random_tokens(kRows, vocab, 7 + step);
    std::vector<float> got(static_cast<size_t>(kRows) * vocab), want(vocab);
    batch.eval(rows.data(), ones(kRows).data(), tokens.data(), kRows, nullptr, got.data());
    for (int i = 0; i < kRows; ++i) {
      alone[i]->eval(&tokens[i], 1, false, nullptr, want.data());
      size_t d = count_diff(got.data() + static_cast<size_t>(i) * vocab, want.data(), vocab);
      CHECK(d == 0, "[%s, %d threads, %s head, %s KV] step %d row %d: %zu of %d logits differ from decoding alone",
            k.name, threads, head == LmHead::kInt8 ? "int8" : head == LmHead::kF16 ? "f16" : "q4",
            kv == KvCache::kI8 ? "i8" : "f16", step, i, d, vocab);
      CHECK(batched[i]->length() == alone[i]->length(), "row %d length %d, alone %d", i, batched[i]->length(),
            alone[i]->length());
    }
  }
  // The KV caches hold the same: a later prefill on each gives the same logits.
  for (int i = 0; i < kRows; ++i) {
    std::vector<int32_t> more = random_tokens(4, vocab, 50 + i);
    std::vector<float> a(vocab), b(vocab);
    alone[i]->eval(more.data(), 4, false, nullptr, a.data());
    batched[i]->eval(more.data(), 4, false, nullptr, b.data());
    CHECK(count_diff(a.data(), b.data(), vocab) == 0, "[%s] row %d: prefill after batched decode differs", k.name, i);
  }
}

void test_equal_to_alone(const tiny::Model& m) {
  for (const KernelTable* k : runnable_kernels()) {
    check_equal_to_alone(m, 2, LmHead::kInt8, *k);
    check_equal_to_alone(m, 1, LmHead::kF16, *k);
    check_equal_to_alone(m, 2, LmHead::kQ4, *k);
  }
  check_equal_to_alone(m, 3, LmHead::kInt8, best_kernels());
}

// Contexts with the 8-bit KV cache run their own attention in a batch too.
void test_i8_cache_contexts_in_a_batch_equal_their_own_eval(const tiny::Model& m) {
  for (const KernelTable* k : runnable_kernels()) check_equal_to_alone(m, 2, LmHead::kInt8, *k, KvCache::kI8);
  check_equal_to_alone(m, 3, LmHead::kF16, best_kernels(), KvCache::kI8);
}

void test_one_row(const tiny::Model& m) {
  auto model = load(m, 2, LmHead::kInt8);
  Context a(*model, 32), b(*model, 32);
  std::vector<int32_t> toks = random_tokens(6, m.shape.vocab, 3);
  std::vector<float> la(m.shape.vocab), lb(m.shape.vocab);
  a.eval(toks.data(), 5, false, nullptr, la.data());
  b.eval(toks.data(), 5, false, nullptr, lb.data());
  a.eval(&toks[5], 1, false, nullptr, la.data());
  BatchEval batch(*model);
  Context* row = &b;
  int32_t one = 1;
  batch.eval(&row, &one, &toks[5], 1, nullptr, lb.data());
  CHECK(count_diff(la.data(), lb.data(), m.shape.vocab) == 0, "a batch of one differs from eval of one token");
}

// A step as a server runs it: some contexts decode a token while others
// read a prompt chunk; each equals its own eval call, and a one-token
// prompt chunk rounds as a decode step does, exactly as eval of one token.
void test_mixed_prefill_and_decode(const tiny::Model& m) {
  for (const KernelTable* k : runnable_kernels()) {
    auto model = load(m, 2, LmHead::kInt8, k->name);
    const int vocab = m.shape.vocab;
    const int counts[4] = {1, 7, 1, 40};
    const int cached[4] = {5, 0, 130, 12};
    std::vector<std::unique_ptr<Context>> alone, batched;
    std::vector<int32_t> tokens;
    for (int i = 0; i < 4; ++i) {
      alone.push_back(std::make_unique<Context>(*model, 256));
      batched.push_back(std::make_unique<Context>(*model, 256));
      std::vector<float> out(vocab);
      if (cached[i] > 0) {
        std::vector<int32_t> prompt = random_tokens(cached[i], vocab, 200 + i);
        alone[i]->eval(prompt.data(), cached[i], false, nullptr, out.data());
        batched[i]->eval(prompt.data(), cached[i], false, nullptr, out.data());
      }
      std::vector<int32_t> mine = random_tokens(counts[i], vocab, 300 + i);
      tokens.insert(tokens.end(), mine.begin(), mine.end());
    }
    BatchEval batch(*model);
    std::vector<Context*> rows;
    for (auto& c : batched) rows.push_back(c.get());
    std::vector<float> got(static_cast<size_t>(4) * vocab), want(vocab);
    batch.eval(rows.data(), counts, tokens.data(), 4, nullptr, got.data());
    for (int i = 0, at = 0; i < 4; at += counts[i++]) {
      alone[i]->eval(tokens.data() + at, counts[i], false, nullptr, want.data());
      size_t d = count_diff(got.data() + static_cast<size_t>(i) * vocab, want.data(), vocab);
      CHECK(d == 0, "[%s] context %d (%d tokens after %d): %zu of %d logits differ from its own eval", k->name, i,
            counts[i], cached[i], d, vocab);
      CHECK(batched[i]->length() == cached[i] + counts[i], "context %d length %d", i, batched[i]->length());
    }
  }
}

template <typename Fn>
bool throws_code(Fn&& fn, const char* code) {
  try {
    fn();
  } catch (const EngineError& e) {
    return std::strcmp(e.code, code) == 0;
  }
  return false;
}

void test_misuse_changes_nothing(const tiny::Model& m) {
  auto model = load(m, 1, LmHead::kInt8);
  auto other = load(m, 1, LmHead::kInt8);
  Context a(*model, 8), b(*model, 8), foreign(*other, 8);
  std::vector<int32_t> toks = random_tokens(8, m.shape.vocab, 9);
  std::vector<float> out(static_cast<size_t>(3) * m.shape.vocab);
  a.eval(toks.data(), 2, false, nullptr, out.data());
  BatchEval batch(*model);
  int32_t two[2] = {toks[0], toks[1]};
  Context* twice[2] = {&a, &a};
  CHECK(throws_code([&] { batch.eval(twice, ones(2).data(), two, 2, nullptr, out.data()); }, kBadArgument),
        "a context twice in one batch is refused");
  Context* mixed[2] = {&a, &foreign};
  CHECK(throws_code([&] { batch.eval(mixed, ones(2).data(), two, 2, nullptr, out.data()); }, kBadArgument),
        "a context of another model is refused");
  int32_t bad[2] = {toks[0], m.shape.vocab};
  Context* pair[2] = {&a, &b};
  CHECK(throws_code([&] { batch.eval(pair, ones(2).data(), bad, 2, nullptr, out.data()); }, kBadArgument),
        "a token outside the vocabulary is refused");
  std::vector<int32_t> many = random_tokens(9, m.shape.vocab, 10);
  int32_t too_many[2] = {7, 1};
  CHECK(throws_code([&] { batch.eval(pair, too_many, many.data(), 2, nullptr, out.data()); }, kBadArgument),
        "more tokens than a context has room for are refused");
  int32_t none[2] = {1, 0};
  CHECK(throws_code([&] { batch.eval(pair, none, many.data(), 2, nullptr, out.data()); }, kBadArgument),
        "a context with no tokens is refused");
  CHECK(a.length() == 2 && b.length() == 0, "refused batches changed lengths (%d, %d)", a.length(), b.length());
  b.eval(toks.data(), 8, false, nullptr, out.data());
  CHECK(throws_code([&] { batch.eval(pair, ones(2).data(), two, 2, nullptr, out.data()); }, kBadArgument),
        "a full context is refused");
  CHECK(throws_code([&] { batch.eval(pair, ones(0).data(), two, 0, nullptr, out.data()); }, kBadArgument),
        "an empty batch is refused");
  int32_t raised = 1;
  Context c(*model, 8);
  Context* fresh[2] = {&a, &c};
  CHECK(throws_code([&] { batch.eval(fresh, ones(2).data(), two, 2, &raised, out.data()); }, kAborted), "abort is honoured");
  CHECK(a.length() == 2 && c.length() == 0, "an aborted batch changed lengths (%d, %d)", a.length(), c.length());
}

}  // namespace

int main() {
  tiny::Shape shape;
  std::string path = tiny::temp_path("batch-decode-test");
  tiny::Model m = tiny::make_model(42, shape, path);
  test_equal_to_alone(m);
  test_i8_cache_contexts_in_a_batch_equal_their_own_eval(m);
  test_one_row(m);
  test_mixed_prefill_and_decode(m);
  test_misuse_changes_nothing(m);
  std::remove(path.c_str());
  if (failures) {
    std::fprintf(stderr, "batch_eval_test: %d failure(s)\n", failures);
    return 1;
  }
  std::printf("batch_eval_test: ok\n");
  return 0;
}
