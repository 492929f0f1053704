#pragma once
// The per-instruction-set kernel tables, each defined in its own folder and
// compiled with that folder's flags. Only dispatch.cc and tests use these.

#include "kernels/kernels.h"

namespace bitnet {

#if defined(__x86_64__) || defined(_M_X64)
const KernelTable& avx2_kernels();         // x86_avx2/: AVX2 + FMA + F16C
const KernelTable& avx_vnni_kernels();     // x86_avxvnni/: the above, integer products on AVX-VNNI
const KernelTable& avx512_vnni_kernels();  // x86_avx512/: AVX-512 F/BW/VL/DQ + VNNI
const KernelTable& avx512_amx_kernels();   // x86_amx/: the above, prefill on AMX-INT8 tiles
#endif
#if defined(__aarch64__)
const KernelTable& neon_dotprod_kernels();  // arm_neon/: NEON + dotprod + fp16
#endif

}  // namespace bitnet
