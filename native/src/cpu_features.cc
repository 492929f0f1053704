#include "cpu_features.h"

#include <set>
#include <string>
#include <thread>
#include <fstream>

#if (defined(__x86_64__) || defined(_M_X64)) && defined(__GNUC__)
#include <cpuid.h>
#endif
#if (defined(__x86_64__) || defined(_M_X64)) && defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif
#if defined(_WIN32)
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

#include <vector>
#endif
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
#elif defined(_WIN32)
  // One RelationProcessorCore record per physical core, over all groups.
  DWORD bytes = 0;
  GetLogicalProcessorInformationEx(RelationProcessorCore, nullptr, &bytes);
  std::vector<char> buf(bytes);
  auto* info = reinterpret_cast<SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX*>(buf.data());
  if (bytes == 0 || !GetLogicalProcessorInformationEx(RelationProcessorCore, info, &bytes)) return logical;
  int cores = 0;
  for (DWORD at = 0; at < bytes; at += reinterpret_cast<SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX*>(buf.data() + at)->Size) ++cores;
  return cores > 0 && cores <= logical ? cores : logical;
#else
  return logical;
#endif
}

#if (defined(__x86_64__) || defined(_M_X64)) && defined(__GNUC__)
// AMX-INT8 is usable when the CPU has it, the OS saves the tile state (XCR0
// bits 17 and 18) and, on Linux, this process was granted that state: tile
// instructions fault in a process that never asked for it.
bool detect_amx() {
  unsigned a, b, c, d;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
  const bool tile = (d >> 24) & 1, int8 = (d >> 25) & 1;
  if (!tile || !int8) return false;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !((c >> 27) & 1)) return false;  // OSXSAVE
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  if ((lo & (3u << 17)) != (3u << 17)) return false;
#if defined(__linux__)
  const long kReqXcompPerm = 0x1023, kXfeatureTileData = 18;
  return syscall(SYS_arch_prctl, kReqXcompPerm, kXfeatureTileData) == 0;
#else
  return false;  // only Linux is known to grant the state; other systems use AVX-512
#endif
}

// CPUID leaf 7, subleaf 1, EAX bit 4. The YMM state it needs is the AVX2
// table's, already checked by the caller.
bool detect_avxvnni() {
  unsigned a, b, c, d;
  return __get_cpuid_count(7, 1, &a, &b, &c, &d) && ((a >> 4) & 1);
}
#endif

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
  f.amx = f.avx512vnni && detect_amx();
  f.avxvnni = f.avx2 && detect_avxvnni();
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
