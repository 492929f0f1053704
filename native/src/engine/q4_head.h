#pragma once
// The 4-bit LM head (lmHead 'q4', docs/forward-pass.md, Output layer):
// "screen and rescore". A 4-bit copy of the tied head gives approximate
// logits for the whole vocabulary at a quarter of the F16 head's bytes; the
// kQ4Candidates highest are then computed again, exactly, from the F16 rows
// read from the model file. The sampler sees the F16 head's bits for the
// likely tokens.

#include <cstdint>

#include "engine/eval_scratch.h"
#include "engine/model.h"

namespace bitnet {

// Rows of the screen computed again exactly. On the random 2B4T-shaped model
// (test/bench/q4-head.bench.ts, 300 positions) the F16 head's top token fell
// outside the screen's top 1 at 60 positions, its top 4 at 7, its top 16 at
// none; 64 leaves a margin and covers the sampler's default top-k of 40. A
// candidate costs one 5 KiB row read from the page cache and 2,560 FMAs.
constexpr int kQ4Candidates = 64;

// Approximate logits of rows [r0, r1) from the 4-bit head: q4_gemv of the
// quantized normalized hidden state (q, act_scale from quantize_row_i8)
// into dot[r0..r1), then logits[r] = (dot[r] / act_scale) * row scale.
void q4_screen(const Model& model, const int8_t* q, float act_scale, int r0, int r1, int32_t* dot, float* logits);

// Given the screen's logits for the whole vocabulary, computes the
// kQ4Candidates highest (ties: the lower token id) again with the exact F16
// product of `normed` (f16_gemv: the bits lmHead 'f16' gives), then lowers
// every other logit to at most the largest float below the lowest exact
// candidate logit, so no approximate logit ends above a rescored one.
// Reads the F16 rows from the model file: throws EngineError(MODEL_CHANGED)
// if the file changed since load.
void q4_rescore(const Model& model, const float* normed, float* logits, EvalScratch& s);

}  // namespace bitnet
