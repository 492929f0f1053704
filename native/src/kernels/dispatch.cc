// Picks the kernel tables this CPU can run, once, from cpu_features().

#include "kernels/isa_tables.h"
#include "kernels/kernels.h"

namespace bitnet {

std::vector<const KernelTable*> runnable_kernels() {
  std::vector<const KernelTable*> tables = {&scalar_kernels()};
  const CpuFeatures& cpu = cpu_features();
  (void)cpu;
  return tables;
}

const KernelTable& best_kernels() {
  // Tables are listed slowest first, so the last one is the best.
  static const KernelTable* best = runnable_kernels().back();
  return *best;
}

}  // namespace bitnet
