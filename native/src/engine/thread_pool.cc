#include "engine/thread_pool.h"

#include <chrono>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define BITNET_PAUSE() _mm_pause()
#elif defined(__aarch64__)
#define BITNET_PAUSE() asm volatile("yield")
#else
#define BITNET_PAUSE() ((void)0)
#endif

namespace bitnet {

namespace {

// How long an idle worker spins before it sleeps: long enough to bridge the
// gaps between the jobs of one token (a norm on the main thread), short
// enough that a paused engine releases the core at once.
constexpr auto kSpin = std::chrono::microseconds(200);

inline uint64_t gen_of(uint64_t w) { return w >> 40; }

}  // namespace

ThreadPool::ThreadPool(int threads) { start(threads); }

ThreadPool::~ThreadPool() { stop(); }

void ThreadPool::resize(int threads) {
  if (threads == n_threads_) return;
  stop();
  start(threads);
}

void ThreadPool::start(int threads) {
  n_threads_ = threads < 1 ? 1 : threads;
  stopping_.store(false);
  workers_.reserve(n_threads_ - 1);
  // The generation is read here, not in the thread: a worker that starts late
  // must still see the first job as new.
  const uint64_t gen = gen_of(claim_.load());
  for (int i = 1; i < n_threads_; ++i) workers_.emplace_back([this, i, gen] { worker_main(i, gen); });
}

void ThreadPool::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_.store(true);
    // A new generation with no chunks wakes everyone.
    uint64_t gen = (gen_of(claim_.load()) + 1) & 0xFFFFFF;
    claim_.store(gen << 40);
  }
  cv_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
  n_threads_ = 1;
}

void ThreadPool::work(uint64_t gen, int worker) {
  for (;;) {
    uint64_t w = claim_.load(std::memory_order_acquire);
    if (gen_of(w) != gen) return;
    const uint64_t total = (w >> kIdxBits) & kIdxMask, idx = w & kIdxMask;
    if (idx >= total) return;
    if (!claim_.compare_exchange_weak(w, w + 1, std::memory_order_acq_rel, std::memory_order_relaxed)) continue;
    // Chunk idx of generation gen is ours; the job cannot change until the
    // caller has seen it done.
    job_.load(std::memory_order_relaxed)(job_ctx_.load(std::memory_order_relaxed), static_cast<int>(idx), worker);
    done_.fetch_add(1, std::memory_order_release);
  }
}

void ThreadPool::dispatch(Job job, void* ctx, int n_chunks) {
  if (static_cast<uint64_t>(n_chunks) > kIdxMask) {
    // Never expected (callers make a few dozen chunks); run inline.
    for (int c = 0; c < n_chunks; ++c) job(ctx, c, 0);
    return;
  }
  job_.store(job, std::memory_order_relaxed);
  job_ctx_.store(ctx, std::memory_order_relaxed);
  done_.store(0, std::memory_order_relaxed);
  const uint64_t gen = (gen_of(claim_.load(std::memory_order_relaxed)) + 1) & 0xFFFFFF;
  claim_.store(gen << 40 | static_cast<uint64_t>(n_chunks) << kIdxBits, std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_seq_cst) > 0) {
    { std::lock_guard<std::mutex> lock(mu_); }
    cv_.notify_all();
  }
  work(gen, 0);
  // Wait for chunks other workers hold; yield the core if that takes long
  // (the holder may be descheduled and need this very core).
  for (int spins = 0; done_.load(std::memory_order_acquire) != n_chunks; ++spins) {
    if (spins < 4096) {
      BITNET_PAUSE();
    } else {
      std::this_thread::yield();
    }
  }
}

void ThreadPool::worker_main(int index, uint64_t seen) {
  for (;;) {
    auto deadline = std::chrono::steady_clock::now() + kSpin;
    uint64_t gen;
    for (int spins = 0;; ++spins) {
      gen = gen_of(claim_.load(std::memory_order_acquire));
      if (gen != seen) break;
      BITNET_PAUSE();
      if ((spins & 255) == 255 && std::chrono::steady_clock::now() > deadline) {
        sleepers_.fetch_add(1, std::memory_order_seq_cst);
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return gen_of(claim_.load(std::memory_order_seq_cst)) != seen; });
        sleepers_.fetch_sub(1, std::memory_order_relaxed);
        gen = gen_of(claim_.load(std::memory_order_acquire));
        break;
      }
    }
    seen = gen;
    if (stopping_.load(std::memory_order_acquire)) return;
    work(gen, index);
  }
}

}  // namespace bitnet
