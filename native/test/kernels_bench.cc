// Kernel micro-benchmark: one thread, every kernel table this CPU runs, the
// BitNet b1.58 2B4T matrix shapes. Prints microseconds per call and GB/s of
// weight bytes read (decode) or GMAC/s (prefill). Never fails on speed.
//
//   make -C native/test bench                      # all tables
//   make -C native/test bench BENCH_ARGS="avx512-vnni"   # tables whose name matches

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/aligned_memory.h"
#include "kernels/kernels.h"

using namespace bitnet;

namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The per-token sums of q that ternary_gemm takes.
std::vector<int32_t> token_sums(const std::vector<int8_t>& q, int cols) {
  std::vector<int32_t> sums(q.size() / cols, 0);
  for (size_t i = 0; i < q.size(); ++i) sums[i / cols] += q[i];
  return sums;
}

uint8_t* alloc64(size_t n) { return static_cast<uint8_t*>(bitnet::aligned_memory_alloc(64, (n + 63) / 64 * 64)); }

// Runs fn(i) for i = 0, 1, ... until `budget` seconds pass (at least
// `min_calls` calls) and returns the fastest single call, in seconds. The
// machine is shared: the fastest call is the one least disturbed by others.
template <class F>
double time_call(F fn, double budget, int min_calls = 3) {
  double best = 1e30, start = now_s(), t = start;
  long i = 0;
  while (t - start < budget || i < min_calls) {
    double t0 = now_s();
    fn(i++);
    t = now_s();
    best = std::min(best, t - t0);
  }
  return best;
}

// Enough copies of a ternary matrix that cycling through them streams from
// memory (more than the 32 MiB L3), as decode does.
struct TernarySet {
  std::vector<uint8_t*> bufs;
  std::vector<TernaryMatrix> mats;
  size_t bytes = 0;
  TernarySet(int rows, int cols, size_t min_total) {
    std::mt19937 rng(7);
    std::vector<uint8_t> i2s(static_cast<size_t>(rows) * cols / 4);
    for (auto& b : i2s) {
      uint8_t v = 0;
      for (int k = 0; k < 4; ++k) v = static_cast<uint8_t>(v << 2 | rng() % 3);
      b = v;
    }
    bytes = ternary_packed_bytes(rows, cols);
    size_t copies = std::max<size_t>(1, (min_total + bytes - 1) / bytes);
    double t0 = now_s();
    for (size_t k = 0; k < copies; ++k) {
      uint8_t* p = alloc64(bytes);
      ternary_pack_i2s(i2s.data(), rows, cols, p);
      bufs.push_back(p);
      TernaryMatrix m;
      m.rows = rows;
      m.cols = cols;
      m.scale = 1.0f;
      m.packed = p;
      mats.push_back(m);
    }
    (void)t0;
    double t = time_call([&](long) { ternary_pack_i2s(i2s.data(), rows, cols, bufs[0]); }, 0.2);
    std::printf("  ternary_pack_i2s %dx%d: %.2f ms (%.2f ns/weight)\n", rows, cols, t * 1e3, t * 1e9 / rows / cols);
  }
  ~TernarySet() {
    for (auto* p : bufs) bitnet::aligned_memory_free(p);
  }
};

bool selected(const KernelTable* k, int argc, char** argv) {
  if (argc < 2) return true;
  for (int i = 1; i < argc; ++i)
    if (std::strstr(k->name, argv[i])) return true;
  return false;
}

// Read bandwidth of this core: sums a buffer larger than L3, 64 bits at a time.
double read_bandwidth_gbs(size_t bytes) {
  std::vector<uint64_t> buf(bytes / 8, 1);
  volatile uint64_t sink = 0;
  double t = time_call([&](long) {
    uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (size_t i = 0; i < buf.size(); i += 4) {
      s0 += buf[i];
      s1 += buf[i + 1];
      s2 += buf[i + 2];
      s3 += buf[i + 3];
    }
    sink = sink + s0 + s1 + s2 + s3;
  }, 0.6);
  return bytes / t / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  std::mt19937 rng(1);
  const int shapes[][2] = {{2560, 6912}, {6912, 2560}};  // down (rows x cols), gate/up
  std::vector<const KernelTable*> tables;
  for (auto* k : runnable_kernels())
    if (selected(k, argc, argv)) tables.push_back(k);

  std::printf("read bandwidth probe (1 thread, 256 MiB): %.1f GB/s\n", read_bandwidth_gbs(256u << 20));
  std::printf("ternary_gemm decode (n_tok = 1), weights streamed from memory:\n");
  for (auto& sh : shapes) {
    TernarySet set(sh[0], sh[1], 320u << 20);  // 10x the L3
    std::vector<int8_t> q(sh[1]);
    for (auto& v : q) v = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
    std::vector<int32_t> sums = token_sums(q, sh[1]);
    std::vector<int32_t> dot(sh[0]);
    for (auto* k : tables) {
      double t = time_call([&](long i) {
        k->ternary_gemm(set.mats[i % set.mats.size()], q.data(), sums.data(), 1, 0, sh[0], dot.data(), sh[0]);
      }, std::strcmp(k->name, "scalar") ? 0.6 : 0.3);
      std::printf("  %-12s %5d x %-5d %9.1f us  %6.1f GB/s  %6.1f Gweight/s\n", k->name, sh[0], sh[1], t * 1e6,
                  set.bytes / t / 1e9, double(sh[0]) * sh[1] / t / 1e9);
    }
    // Two threads, each streaming its half of the rows of every copy, as the
    // engine splits a decode matmul: the rate both cores reach together.
    for (auto* k : tables) {
      if (!std::strcmp(k->name, "scalar")) continue;
      double best[2] = {1e30, 1e30};
      const int half = sh[0] / 2 / kTernaryRowGroup * kTernaryRowGroup;
      auto worker = [&](int id) {
        std::vector<int32_t> d(sh[0]);
        const int r0 = id ? half : 0, r1 = id ? sh[0] : half;
        double start = now_s();
        for (long i = 0; now_s() - start < 0.6; ++i) {
          double t0 = now_s();
          k->ternary_gemm(set.mats[i % set.mats.size()], q.data(), sums.data(), 1, r0, r1, d.data(), sh[0]);
          best[id] = std::min(best[id], now_s() - t0);
        }
      };
      std::thread other(worker, 1);
      worker(0);
      other.join();
      double gbs = set.bytes * (double(half) / sh[0]) / best[0] / 1e9 +
                   set.bytes * (double(sh[0] - half) / sh[0]) / best[1] / 1e9;
      std::printf("  %-12s %5d x %-5d 2 threads: %6.1f GB/s together  %6.1f Gweight/s\n", k->name, sh[0], sh[1], gbs,
                  gbs * 4);
    }
    // The same matrix every call: cache-resident (the compute ceiling).
    for (auto* k : tables) {
      if (!std::strcmp(k->name, "scalar")) continue;
      double t = time_call([&](long) {
        k->ternary_gemm(set.mats[0], q.data(), sums.data(), 1, 0, sh[0], dot.data(), sh[0]);
      }, 0.4);
      std::printf("  %-12s %5d x %-5d %9.1f us  %6.1f GB/s  (cache-resident)\n", k->name, sh[0], sh[1], t * 1e6,
                  set.bytes / t / 1e9);
    }
  }

  std::printf("ternary_gemm prefill (weights in cache or memory, activations reused):\n");
  for (int n_tok : {16, 128, 512}) {
    for (auto& sh : shapes) {
      TernarySet set(sh[0], sh[1], 0);
      std::vector<int8_t> q(static_cast<size_t>(n_tok) * sh[1]);
      for (auto& v : q) v = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
      std::vector<int32_t> sums = token_sums(q, sh[1]);
      std::vector<int32_t> dot(static_cast<size_t>(n_tok) * sh[0]);
      for (auto* k : tables) {
        if (!std::strcmp(k->name, "scalar") && n_tok > 16) continue;
        double t = time_call([&](long) {
          k->ternary_gemm(set.mats[0], q.data(), sums.data(), n_tok, 0, sh[0], dot.data(), sh[0]);
        }, 0.6);
        double macs = double(n_tok) * sh[0] * sh[1];
        // The same work in 112-row slices (short calls, so the fastest call
        // is one no other process interrupted): the per-thread steady rate.
        const int slice = 112;
        double ts = time_call([&](long i) {
          int r0 = static_cast<int>((i * slice) % (sh[0] - slice + 1)) / 16 * 16;
          k->ternary_gemm(set.mats[0], q.data(), sums.data(), n_tok, r0, r0 + slice, dot.data(), sh[0]);
        }, 0.6);
        double slice_rate = double(n_tok) * slice * sh[1] / ts / 1e9;
        std::printf("  %-12s n_tok=%-3d %5d x %-5d %10.1f us  %6.1f GMAC/s  %7.1f us/token  (%.1f GMAC/s in 112-row slices)\n",
                    k->name, n_tok, sh[0], sh[1], t * 1e6, macs / t / 1e9, t * 1e6 / n_tok, slice_rate);
      }
    }
  }

  // LM-head-like matrices, streamed: int8 (with row scales elsewhere) and F16.
  const int head_rows = 32768, head_cols = 2560;
  {
    std::printf("i8_gemv %d x %d (int8 head slice, streamed):\n", head_rows, head_cols);
    size_t n = static_cast<size_t>(head_rows) * head_cols;
    int8_t* a = reinterpret_cast<int8_t*>(alloc64(n));
    for (size_t i = 0; i < n; ++i) a[i] = static_cast<int8_t>(rng());
    std::vector<int8_t> q(head_cols);
    for (auto& v : q) v = static_cast<int8_t>(rng());
    std::vector<int32_t> out(head_rows);
    for (auto* k : tables) {
      // 1024-row slices, cycling through the whole 84 MB: short calls, still
      // streamed from memory.
      double t = time_call([&](long i) {
        int r0 = static_cast<int>(i % (head_rows / 1024)) * 1024;
        k->i8_gemv(a, head_cols, head_cols, q.data(), r0, r0 + 1024, out.data());
      }, 0.6);
      std::printf("  %-12s %9.1f us per 1024 rows  %6.1f GB/s\n", k->name, t * 1e6, 1024.0 * head_cols / t / 1e9);
    }
    bitnet::aligned_memory_free(a);
  }
  {
    // The same 84 MB as 4-bit rows: twice the rows of the int8 slice.
    const int rows = 2 * head_rows;
    const size_t stride = q4_row_bytes(head_cols);
    std::printf("q4_gemv %d x %d (4-bit head slice, streamed):\n", rows, head_cols);
    size_t n = static_cast<size_t>(rows) * stride;
    uint8_t* a = alloc64(n);
    for (size_t i = 0; i < n; ++i) a[i] = static_cast<uint8_t>(rng());
    std::vector<int8_t> q(head_cols);
    for (auto& v : q) v = static_cast<int8_t>(rng());
    std::vector<int32_t> out(rows);
    for (auto* k : tables) {
      double t = time_call([&](long i) {
        int r0 = static_cast<int>(i % (rows / 1024)) * 1024;
        k->q4_gemv(a, stride, head_cols, q.data(), r0, r0 + 1024, out.data());
      }, 0.6);
      std::printf("  %-12s %9.1f us per 1024 rows  %6.1f GB/s\n", k->name, t * 1e6, 1024.0 * stride / t / 1e9);
    }
    bitnet::aligned_memory_free(a);
  }
  {
    std::printf("f16_gemv %d x %d (F16 head slice, streamed):\n", head_rows, head_cols);
    size_t n = static_cast<size_t>(head_rows) * head_cols;
    uint16_t* a = reinterpret_cast<uint16_t*>(alloc64(n * 2));
    std::uniform_real_distribution<float> u(-1, 1);
    for (size_t i = 0; i < n; ++i) a[i] = f32_to_f16(u(rng));
    std::vector<float> x(head_cols), out(head_rows);
    for (auto& v : x) v = u(rng);
    for (auto* k : tables) {
      double t = time_call([&](long i) {
        int r0 = static_cast<int>(i % (head_rows / 1024)) * 1024;
        k->f16_gemv(a, head_cols, head_cols, x.data(), r0, r0 + 1024, out.data());
      }, 0.6);
      std::printf("  %-12s %9.1f us per 1024 rows  %6.1f GB/s\n", k->name, t * 1e6, 2048.0 * head_cols / t / 1e9);
    }
    std::printf("f16_gemv 512 x 128 (attention scores over 512 positions), in cache:\n");
    for (auto* k : tables) {
      double t = time_call([&](long) { k->f16_gemv(a, 128, 128, x.data(), 0, 512, out.data()); }, 0.3);
      std::printf("  %-12s %9.2f us\n", k->name, t * 1e6);
    }
    std::printf("f16_gemv_many 512 x 128 x 4 vectors (scores of one KV group's 4 query heads), in cache:\n");
    std::vector<float> x4(4 * 128, 0.5f), out4(4 * 512);
    for (auto* k : tables) {
      double t = time_call([&](long) { k->f16_gemv_many(a, 128, 128, x4.data(), 128, 4, 0, 512, out4.data(), 512); }, 0.3);
      std::printf("  %-12s %9.2f us (4 f16_gemv calls: %.2f us)\n", k->name, t * 1e6,
                  4 * time_call([&](long) { k->f16_gemv(a, 128, 128, x4.data(), 0, 512, out4.data()); }, 0.3) * 1e6);
    }
    bitnet::aligned_memory_free(a);
  }
  {
    std::printf("quantize_row_i8 n=6912:\n");
    std::vector<float> x(6912);
    std::uniform_real_distribution<float> u(-3, 3);
    for (auto& v : x) v = u(rng);
    std::vector<int8_t> q(6912);
    int32_t sum;
    for (auto* k : tables) {
      double t = time_call([&](long) { k->quantize_row_i8(x.data(), 6912, q.data(), &sum); }, 0.3);
      std::printf("  %-12s %9.2f us\n", k->name, t * 1e6);
    }
  }
  return 0;
}
