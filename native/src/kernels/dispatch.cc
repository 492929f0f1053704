// Picks the kernel tables this CPU can run, once, from cpu_features().

#include "kernels/isa_tables.h"
#include "kernels/kernels.h"

namespace bitnet {

std::vector<const KernelTable*> runnable_kernels() {
  std::vector<const KernelTable*> tables = {&scalar_kernels()};
  const CpuFeatures& cpu = cpu_features();
  (void)cpu;
#if defined(__x86_64__) || defined(_M_X64)
  if (cpu.avx2 && cpu.fma && cpu.f16c) tables.push_back(&avx2_kernels());
  if (cpu.avx2 && cpu.fma && cpu.f16c && cpu.avxvnni) tables.push_back(&avx_vnni_kernels());
  if (cpu.avx2 && cpu.fma && cpu.f16c && cpu.avx512 && cpu.avx512vnni)
    tables.push_back(&avx512_vnni_kernels());
#if !defined(_WIN32)
  // Windows builds leave x86_amx/ out: AMX is only granted on Linux (see
  // cpu_features.cc), and MinGW GCC 12's tile intrinsics do not assemble
  // there (they pass the stride in a 32-bit long).
  if (cpu.avx2 && cpu.fma && cpu.f16c && cpu.avx512 && cpu.avx512vnni && cpu.amx)
    tables.push_back(&avx512_amx_kernels());
#endif
#endif
#if defined(__aarch64__)
  if (cpu.neon && cpu.dotprod) tables.push_back(&neon_dotprod_kernels());
#endif
  return tables;
}

const KernelTable& best_kernels() {
  // Tables are listed slowest first, so the last one is the best.
  static const KernelTable* best = runnable_kernels().back();
  return *best;
}

}  // namespace bitnet
