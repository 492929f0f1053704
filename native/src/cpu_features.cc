#include "cpu_features.h"

#include <set>
#include <string>
#include <thread>
#include <fstream>

#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#include <asm/hwcap.h>
#endif

namespace bitnet {
namespace {

// Counts distinct (package, core) pairs from sysfs; SMT siblings share one.
int count_physical_cores(int logical) {
#if defined(__linux__)
  std::set<std::string> cores;
  for (int cpu = 0; cpu < logical; ++cpu) {
    std::string base = "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
    std::ifstream pkg(base + "physical_package_id"), core(base + "core_id");
    std::string p, c;
    if (!(pkg >> p) || !(core >> c)) return logical;
    cores.insert(p + ":" + c);
  }
  return cores.empty() ? logical : static_cast<int>(cores.size());
#else
  return logical;
#endif
}

CpuFeatures detect() {
  CpuFeatures f;
#if defined(__x86_64__) || defined(_M_X64)
  f.arch = "x64";
#if defined(__GNUC__)
  __builtin_cpu_init();
  f.avx2 = __builtin_cpu_supports("avx2");
  f.fma = __builtin_cpu_supports("fma");
  // GCC has no f16c probe; every AVX2 CPU shipped with F16C.
  f.f16c = f.avx2;
  f.avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
  f.avx512vnni = f.avx512 && __builtin_cpu_supports("avx512vnni");
#endif
#elif defined(__aarch64__)
  f.arch = "arm64";
  f.neon = true;
#if defined(__linux__)
  f.dotprod = (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) != 0;
#elif defined(__APPLE__)
  f.dotprod = true;  // every Apple silicon core has it
#endif
#else
  f.arch = "other";
#endif
  unsigned n = std::thread::hardware_concurrency();
  f.logical_cores = n ? static_cast<int>(n) : 1;
  f.physical_cores = count_physical_cores(f.logical_cores);
  return f;
}

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detect();
  return features;
}

}  // namespace bitnet
