#pragma once
// What the CPU we run on can do, read once. Kernels are picked from this at
// run time, so nothing here may itself need a newer instruction set.

namespace bitnet {

struct CpuFeatures {
  const char* arch;  // "x64", "arm64" or "other"
  bool avx2 = false;
  bool fma = false;
  bool f16c = false;
  bool avxvnni = false;     // 256-bit VEX vpdpbusd (Intel client cores since Alder Lake)
  bool avx512 = false;      // F + BW + VL + DQ, the subset our kernels use
  bool avx512vnni = false;
  bool amx = false;         // AMX-TILE + AMX-INT8, with the tile state granted by the OS
  bool neon = false;
  bool dotprod = false;     // ARMv8.2 SDOT/UDOT
  int logical_cores = 1;
  int physical_cores = 1;
};

const CpuFeatures& cpu_features();

}  // namespace bitnet
