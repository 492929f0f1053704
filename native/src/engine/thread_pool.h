#pragma once
// A persistent pool of compute threads. A job is a number of independent
// chunks; every thread, the caller included, claims chunks from one atomic
// word until none are left. So if the OS deschedules a worker (a busy
// machine, VS Code itself), the others simply take its chunks, instead of
// the whole step waiting for it. Results never depend on who ran a chunk.
// Idle workers spin briefly (the next job of a token follows within
// microseconds), then sleep, so an idle engine costs no CPU. No thread is
// created per token.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace bitnet {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return n_threads_; }
  // Stops and restarts the workers; not for the hot path.
  void resize(int threads);

  // Calls fn(chunk, worker) once for every chunk in [0, n_chunks), spread
  // over the workers (worker 0 is the caller); returns when all are done.
  // `worker` < size() indexes per-thread scratch. fn must not throw.
  template <typename Fn>
  void run_chunks(int n_chunks, Fn&& fn) {
    if (n_chunks <= 0) return;
    if (n_threads_ == 1 || n_chunks == 1) {
      for (int c = 0; c < n_chunks; ++c) fn(c, 0);
      return;
    }
    using F = std::remove_reference_t<Fn>;
    dispatch([](void* ctx, int chunk, int worker) { (*static_cast<F*>(ctx))(chunk, worker); }, &fn, n_chunks);
  }

  // Splits [0, count) into chunks whose boundaries are multiples of `align`
  // (about 8 per thread) and calls fn(begin, end) for each.
  template <typename Fn>
  void parallel_for(int64_t count, int64_t align, Fn&& fn) {
    if (count <= 0) return;
    int64_t size = chunk_size(count, align);
    int n = static_cast<int>((count + size - 1) / size);
    run_chunks(n, [&](int c, int) {
      int64_t b = c * size, e = b + size < count ? b + size : count;
      fn(b, e);
    });
  }

  // The chunk length parallel_for uses for `count` items.
  int64_t chunk_size(int64_t count, int64_t align) const {
    int64_t target = (count + 8 * n_threads_ - 1) / (8 * n_threads_);
    int64_t size = (target + align - 1) / align * align;
    return size < align ? align : size;
  }

 private:
  using Job = void (*)(void*, int, int);
  // The claim word: generation (24 bits) | chunk count (20) | next chunk (20).
  static constexpr int kIdxBits = 20;
  static constexpr uint64_t kIdxMask = (uint64_t{1} << kIdxBits) - 1;

  void dispatch(Job job, void* ctx, int n_chunks);
  // Runs chunks of generation `gen` until none are left.
  void work(uint64_t gen, int worker);
  void start(int threads);
  void stop();
  void worker_main(int index, uint64_t seen);

  int n_threads_ = 1;
  std::vector<std::thread> workers_;
  std::atomic<Job> job_{nullptr};
  std::atomic<void*> job_ctx_{nullptr};
  std::atomic<uint64_t> claim_{0};
  std::atomic<int> done_{0};
  std::atomic<int> sleepers_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
};

}  // namespace bitnet
