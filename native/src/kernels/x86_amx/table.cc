// The kernel table for Intel cores with AMX-INT8: AVX-512 VNNI for decode,
// tiles for prefill, 512-bit F16 rows for attention and the exact head.

#include "kernels/isa_tables.h"
#include "kernels/x86_amx/intel_kernels.h"

namespace bitnet {

const KernelTable& avx512_amx_kernels() {
  static const KernelTable table = [] {
    KernelTable t = avx512_vnni_kernels();
    t.name = "avx512-amx";
    t.ternary_gemm = intel::ternary_gemm_amx;
    t.f16_gemv = intel::f16_gemv_zmm;
    t.f16_gemv_many = intel::f16_gemv_many_zmm;
    t.f16_gemv_lanes = intel::f16_gemv_lanes_zmm;
    return t;
  }();
  return table;
}

}  // namespace bitnet
