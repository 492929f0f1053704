#pragma once
// The kernels of the table for Intel cores with AMX (Sapphire Rapids and
// later), each in its own file of this folder. The table (table.cc) is the
// AVX-512 VNNI table with these in place of its own.

#include "kernels/kernels.h"

namespace bitnet {
namespace intel {

// ternary_gemm with blocks of tokens on AMX-INT8 tiles (decode and shapes
// the tiles do not fit go to the VNNI kernel).
void ternary_gemm_amx(const TernaryMatrix& w, const int8_t* q, const int32_t* q_sum, int n_tok, int r0, int r1,
                      int32_t* dot, int ld);

// f16_gemv, f16_gemv_many and f16_gemv_lanes with the 16 canonical lanes in
// one 512-bit register and four rows at a time: on these cores 512-bit F16
// widening is full speed, so the loop is bound by multiply-adds, not loads
// or the latency of one row's chain (decode with the exact F16 head: about
// 20% faster).
void f16_gemv_zmm(const uint16_t* a, size_t lda, int cols, const float* x, int r0, int r1, float* out);
void f16_gemv_many_zmm(const uint16_t* a, size_t lda, int cols, const float* x, size_t ldx, int n_x, int r0, int r1,
                       float* out, size_t ldo);
void f16_gemv_lanes_zmm(const uint16_t* a, size_t lda, int cols, const float* x, size_t ldx, int n_x, int rows,
                        float* lanes, float* out);

}  // namespace intel
}  // namespace bitnet
