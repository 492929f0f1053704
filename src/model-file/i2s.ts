// The I2_S ternary layout of the published BitNet b1.58 file (docs/model-file.md, I2_S ternary weights):
// row-major weights split into 128-weight blocks of 32 bytes; byte j of a
// block holds weights j, j+32, j+64, j+96 in bits 7-6, 5-4, 3-2, 1-0 as
// code = ternary + 1. After all codes comes a 32-byte tail whose first 4 bytes
// are the per-tensor f32 scale; the other 28 bytes carry no meaning.
import { I2S_TAIL_BYTES } from './ggml-types';

export const I2S_BLOCK = 128;
const BLOCK_BYTES = I2S_BLOCK / 4;

/** Packs ternary weights (each -1, 0 or +1, row-major, length a multiple of 128) with their scale. */
export function packI2S(ternary: Int8Array, scale: number): Uint8Array {
  if (ternary.length % I2S_BLOCK !== 0) throw new RangeError(`I2_S needs a multiple of ${I2S_BLOCK} weights, got ${ternary.length}`);
  const codes = ternary.length / 4;
  const out = new Uint8Array(codes + I2S_TAIL_BYTES);
  for (let block = 0; block < ternary.length / I2S_BLOCK; block++) {
    const w = block * I2S_BLOCK;
    for (let j = 0; j < BLOCK_BYTES; j++) {
      out[block * BLOCK_BYTES + j] =
        (code(ternary[w + j]!) << 6) | (code(ternary[w + j + 32]!) << 4) | (code(ternary[w + j + 64]!) << 2) | code(ternary[w + j + 96]!);
    }
  }
  new DataView(out.buffer).setFloat32(codes, scale, true);
  return out;
}

function code(t: number): number {
  if (t !== -1 && t !== 0 && t !== 1) throw new RangeError(`I2_S weights must be -1, 0 or +1, got ${t}`);
  return t + 1;
}

/** Unpacks `count` ternary weights and the scale from I2_S bytes. Code 3 reads as 0, as the fork's dequantizer does. */
export function unpackI2S(data: Uint8Array, count: number): { ternary: Int8Array; scale: number } {
  if (count % I2S_BLOCK !== 0 || data.length < count / 4 + 4) throw new RangeError('I2_S data too short for its weight count');
  const ternary = new Int8Array(count);
  for (let i = 0; i < count; i++) {
    const block = Math.floor(i / I2S_BLOCK);
    const k = i % I2S_BLOCK;
    const c = (data[block * BLOCK_BYTES + (k % 32)]! >> (6 - 2 * Math.floor(k / 32))) & 3;
    ternary[i] = c === 3 ? 0 : c - 1;
  }
  const scale = new DataView(data.buffer, data.byteOffset, data.byteLength).getFloat32(count / 4, true);
  return { ternary, scale };
}
