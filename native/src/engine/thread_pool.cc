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

// How long an idle worker spins before it sleeps. Long enough to bridge the
// gaps between the jobs of one token (a norm on the main thread), short
// enough that a paused engine releases the core at once.
constexpr auto kSpin = std::chrono::microseconds(300);

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
  const uint64_t gen = generation_.load();
  for (int i = 1; i < n_threads_; ++i) workers_.emplace_back([this, i, gen] { worker_main(i, gen); });
}

void ThreadPool::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_.store(true);
    generation_.fetch_add(1);
  }
  cv_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
  n_threads_ = 1;
}

void ThreadPool::dispatch(Job job, void* ctx) {
  job_ = job;
  job_ctx_ = ctx;
  pending_.store(n_threads_ - 1, std::memory_order_relaxed);
  generation_.fetch_add(1, std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_seq_cst) > 0) {
    { std::lock_guard<std::mutex> lock(mu_); }
    cv_.notify_all();
  }
  job(ctx, 0, n_threads_);
  while (pending_.load(std::memory_order_acquire) != 0) BITNET_PAUSE();
}

void ThreadPool::worker_main(int index, uint64_t seen) {
  for (;;) {
    // Spin, then sleep, until a new generation appears.
    auto deadline = std::chrono::steady_clock::now() + kSpin;
    uint64_t gen;
    for (int spins = 0;; ++spins) {
      gen = generation_.load(std::memory_order_acquire);
      if (gen != seen) break;
      BITNET_PAUSE();
      if ((spins & 255) == 255 && std::chrono::steady_clock::now() > deadline) {
        sleepers_.fetch_add(1, std::memory_order_seq_cst);
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return generation_.load(std::memory_order_seq_cst) != seen; });
        sleepers_.fetch_sub(1, std::memory_order_relaxed);
        gen = generation_.load(std::memory_order_acquire);
        break;
      }
    }
    seen = gen;
    if (stopping_.load(std::memory_order_acquire)) return;
    job_(job_ctx_, index, n_threads_);
    pending_.fetch_sub(1, std::memory_order_release);
  }
}

}  // namespace bitnet
