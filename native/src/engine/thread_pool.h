#pragma once
// A persistent pool of compute threads. The calling thread is worker 0 and
// takes its share; the others spin briefly after each job (the next one
// usually follows within microseconds) and then sleep, so an idle engine
// costs no CPU. No thread is created per token.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
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

  // Calls fn(worker, n_workers) on every worker (0 on the caller) and
  // returns when all have returned. fn must not throw.
  template <typename Fn>
  void run(Fn&& fn) {
    if (n_threads_ == 1) {
      fn(0, 1);
      return;
    }
    using F = std::remove_reference_t<Fn>;
    dispatch([](void* ctx, int i, int n) { (*static_cast<F*>(ctx))(i, n); }, &fn);
  }

  // Splits [0, count) into contiguous parts, one per worker, each a multiple
  // of `align` long except the last, and calls fn(begin, end) for each
  // non-empty part. Runs inline when there is one part.
  template <typename Fn>
  void parallel_for(int64_t count, int64_t align, Fn&& fn) {
    if (count <= 0) return;
    int parts = n_threads_;
    if (parts == 1 || count <= align) {
      fn(int64_t{0}, count);
      return;
    }
    run([&](int i, int n) {
      int64_t begin, end;
      split(count, align, i, n, &begin, &end);
      if (begin < end) fn(begin, end);
    });
  }

  static void split(int64_t count, int64_t align, int i, int n, int64_t* begin, int64_t* end) {
    int64_t units = (count + align - 1) / align;
    int64_t per = units / n, extra = units % n;
    int64_t b = (i * per + (i < extra ? i : extra)) * align;
    int64_t e = b + (per + (i < extra ? 1 : 0)) * align;
    *begin = b < count ? b : count;
    *end = e < count ? e : count;
  }

 private:
  using Job = void (*)(void*, int, int);
  void dispatch(Job job, void* ctx);
  void start(int threads);
  void stop();
  void worker_main(int index, uint64_t seen);

  int n_threads_ = 1;
  std::vector<std::thread> workers_;
  Job job_ = nullptr;
  void* job_ctx_ = nullptr;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  std::atomic<int> sleepers_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
};

}  // namespace bitnet
