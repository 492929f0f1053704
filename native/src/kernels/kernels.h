#pragma once
// The compute kernels of the engine, behind one table of function pointers
// chosen once at run time from the CPU's features. Every table computes the
// same numbers as the scalar reference table, bit for bit, for any shape
// (ragged tails included); tests in native/test hold them to that.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "cpu_features.h"

namespace bitnet {

// A ternary weight matrix in the runtime layout: `rows` outputs, `cols`
// inputs, weights in {-1, 0, +1}, one f32 scale for the whole tensor.
// `packed` holds ternary_packed_bytes(rows, cols) bytes; 64-byte alignment
// is best for speed (a tile is one cache line) but not required.
//
// Runtime layout (2 bits per weight, rows interleaved so a gemv keeps one
// accumulator lane per row and needs no horizontal sums):
// - rows are cut into groups of kTernaryRowGroup = 16; the last group is
//   padded with zero weights. Group g takes bytes [g*4*cols, (g+1)*4*cols).
// - a group is a run of 64-byte tiles, tile k covering columns 16k..16k+15.
// - tile byte p = 4*i + j (i = row in group 0..15, j = 0..3) holds in bits
//   2s+1..2s the code of weight (row 16g+i, column 16k+4s+j), s = 0..3.
// - code = ternary + 1 (0 -> -1, 1 -> 0, 2 -> +1), as in I2_S; 3 never occurs.
// So one 32-bit lane of a tile is one row and four adjacent columns: exactly
// what VNNI vpdpbusd / NEON sdot multiply against 4 broadcast activations.
// Why 2 bits and not 5 trits per byte (1.6 bits): measured on the 2-core
// AVX-512 EPYC, a base-3 gemv needs twice the vpdpbusd work per weight and
// becomes compute-bound (about 110 Gweights/s per core against 215 for this
// layout), so it streams slower than this layout at both 1 and 2 threads
// (2 threads, weights from memory: 143 vs 189 Gweights/s).
struct TernaryMatrix {
  int rows = 0;
  int cols = 0;
  float scale = 0.0f;
  const uint8_t* packed = nullptr;
};

// Rows per interleaved group of the runtime layout. ternary_gemm's row range
// [r0, r1) must start on a multiple of it and end on a multiple of it or at
// `rows` (so threads split work on group boundaries).
constexpr int kTernaryRowGroup = 16;

// The most vectors one f16_gemv_many call takes.
constexpr int kGemvManyMax = 4;

// Bytes the runtime layout needs for a rows x cols matrix (cols % 16 == 0).
size_t ternary_packed_bytes(int rows, int cols);

// Repacks I2_S codes (docs/model-file.md, I2_S: 128-weight blocks of 32 bytes, byte j holds
// weights j, j+32, j+64, j+96 in bits 7-6, 5-4, 3-2, 1-0; code = ternary + 1)
// into the runtime layout. Code 3 is read as 0. `cols` is a multiple of 128.
void ternary_pack_i2s(const uint8_t* i2s, int rows, int cols, uint8_t* out);

// The same for rows [r0, r1) only (r0 % kTernaryRowGroup == 0, r1 a multiple
// of it or `rows`), so threads can repack one tensor in parallel. `i2s` and
// `out` are the whole tensor's buffers.
void ternary_pack_i2s_rows(const uint8_t* i2s, int rows, int cols, int r0, int r1, uint8_t* out);

// Weight (r, c) of a packed matrix, in {-1, 0, +1}. For tests and references.
int ternary_at(const uint8_t* packed, int rows, int cols, int r, int c);

// A 4-bit matrix: the screening copy of the tied LM head (lmHead 'q4').
// Weight (r, c) is code - 8, code in 0..15 (the head's own rows use 1..15,
// so weights -7..7; the kernels are exact for all 16 codes).
//
// Runtime layout (rows one after another, `lda` bytes apart, lda >=
// q4_row_bytes(cols); each row is a run of 64-byte blocks of 128 columns):
// - block b of a row takes bytes [64b, 64b + 64) and columns 128b..128b+127;
// - byte j of a block holds column 128b + j in its low nibble (bits 3-0) and
//   column 128b + 64 + j in its high nibble (bits 7-4);
// - columns past `cols` in the last block hold code 8 (weight 0).
// So one 64-byte load, masked with 0x0f and shifted right by 4, gives two
// runs of 64 unsigned codes in column order: what vpdpbusd (u8 x s8) takes
// against 64 consecutive activations, with 8 * sum(q) subtracted after
// (NEON subtracts 8 from each code and uses sdot). One row is one
// sequential read, which streams at memory speed.
constexpr int kQ4Block = 128;

// Bytes one row of cols columns takes: 64 per block of kQ4Block columns.
size_t q4_row_bytes(int cols);

// Packs one row of weights w[0..cols) (each in -8..7) into the layout above.
void q4_pack_row(const int8_t* w, int cols, uint8_t* out);

// Weight c (in -8..7) of a packed row. For tests and references.
int q4_at(const uint8_t* row, int c);

struct KernelTable {
  const char* name;  // "scalar", "avx2", "avx-vnni", "avx512-vnni", "avx512-amx", "neon-dotprod"

  // Per-token absmax int8 quantization (docs/exactness.md): max = max(1e-5, max|x|)
  // in double, s = (float)(127 / max), q = round-half-even(f32(x * s))
  // clamped to [-128, 127]. Returns s; writes q[0..n) and *q_sum = sum of q.
  // Inputs are finite (a NaN product gives -128 in every table, no UB).
  float (*quantize_row_i8)(const float* x, int n, int8_t* q, int32_t* q_sum);

  // Exact integer ternary products for rows [r0, r1) and n_tok tokens:
  // dot[t * ld + r] = sum_c w(r, c) * q[t * w.cols + c], in int32 (no
  // int16 intermediate, so no wraparound for any q; cols <= 65536, a
  // multiple of 16). q_sum[t] is the sum of token t's q (quantize_row_i8
  // gives it): the SIMD tables multiply codes (w + 1) and subtract it.
  // r0 % kTernaryRowGroup == 0; r1 % kTernaryRowGroup == 0 or r1 == w.rows.
  // n_tok == 1 is the decode (matrix-vector) path; larger n_tok unpacks
  // each weight tile once and reuses it for a block of tokens (prefill).
  void (*ternary_gemm)(const TernaryMatrix& w, const int8_t* q, const int32_t* q_sum, int n_tok,
                       int r0, int r1, int32_t* dot, int ld);

  // out[r] = sum_c a[r * lda + c] * q[c] over int8 rows, for r in [r0, r1),
  // exact in int32 (cols <= 65536, so no intermediate can overflow).
  // Used for the int8 copy of the tied LM head.
  void (*i8_gemv)(const int8_t* a, size_t lda, int cols, const int8_t* q,
                  int r0, int r1, int32_t* out);

  // out[r] = sum_c f16(a[r * lda + c]) * x[c] with f32 accumulation in a
  // fixed order, for r in [r0, r1). Attention scores and the exact F16 head.
  // The canonical order, which every table reproduces bit for bit:
  //   acc[l] = +0 for l = 0..15;
  //   for c = 0, 1, .., cols-1: acc[c % 16] = fmaf(f16(a[c]), x[c], acc[c % 16]);
  //   then a halving tree: acc[l] += acc[l + 8] (l < 8); acc[l] += acc[l + 4]
  //   (l < 4); acc[l] += acc[l + 2] (l < 2); out = acc[0] + acc[1].
  void (*f16_gemv)(const uint16_t* a, size_t lda, int cols, const float* x,
                   int r0, int r1, float* out);

  // f16_gemv against n_x vectors at once (1 <= n_x <= kGemvManyMax): for
  // j in [0, n_x) and r in [r0, r1), out[j * ldo + r] is bit for bit what
  // f16_gemv gives for row r and the vector x + j * ldx. Each row is widened
  // from F16 once for all vectors: in attention, the query heads of one KV
  // group share every K row and every V row.
  void (*f16_gemv_many)(const uint16_t* a, size_t lda, int cols, const float* x, size_t ldx, int n_x,
                        int r0, int r1, float* out, size_t ldo);

  // f16_gemv_many over rows stored in blocks of columns: for j in [0, n_x),
  // r in [0, rows) and c in [0, cols), in order of c,
  //   l[c % 16] = fmaf(f16(a[r * lda + c]), x[j * ldx + c], l[c % 16])
  // where l = lanes + (j * rows + r) * 16 carries the 16 accumulators from
  // one block to the next (zero them before the first). With `out`, the
  // call is the last block: the accumulators are reduced as in f16_gemv into
  // out[j * rows + r] instead of kept. Blocks that each start at a multiple
  // of 16 columns give f16_gemv's bits. Attention's V, cached in blocks of
  // positions.
  void (*f16_gemv_lanes)(const uint16_t* a, size_t lda, int cols, const float* x, size_t ldx, int n_x,
                         int rows, float* lanes, float* out);

  // out[r] = sum_c q4_at(a + r * lda, c) * q[c] over 4-bit rows (the layout
  // above), for r in [r0, r1), exact in int32 (cols <= 65536). The screen of
  // the 4-bit LM head, against the same quantized hidden state as i8_gemv.
  void (*q4_gemv)(const uint8_t* a, size_t lda, int cols, const int8_t* q, int r0, int r1, int32_t* out);
};

const KernelTable& scalar_kernels();

// The fastest table this CPU runs, chosen once.
const KernelTable& best_kernels();

// Every table this CPU can run, scalar first. Tests compare them all.
std::vector<const KernelTable*> runnable_kernels();

// IEEE half <-> float, exact widening and round-to-nearest-even narrowing.
float f16_to_f32(uint16_t h);
uint16_t f32_to_f16(float f);

}  // namespace bitnet
