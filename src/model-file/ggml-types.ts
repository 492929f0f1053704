// ggml tensor types: ids as the BitNet (Gen A) llama.cpp fork numbers them,
// names, and the byte size of a tensor of each type. Ids 0-30 are shared with
// mainline ggml; 34-37 are the fork's ternary types (mainline reused 36 for
// something else, so a file's ids only mean this inside a BitNet GGUF).

export const GGML_TYPE = {
  F32: 0,
  F16: 1,
  Q8_0: 8,
  Q6_K: 14,
  BF16: 30,
  I2_S: 36,
} as const;

interface TypeTraits {
  name: string;
  /** Elements per block; ne0 must be a multiple of it. */
  blockSize: number;
  /** Bytes per block. */
  blockBytes: number;
}

const TRAITS: ReadonlyMap<number, TypeTraits> = new Map<number, TypeTraits>([
  [0, { name: 'F32', blockSize: 1, blockBytes: 4 }],
  [1, { name: 'F16', blockSize: 1, blockBytes: 2 }],
  [2, { name: 'Q4_0', blockSize: 32, blockBytes: 18 }],
  [3, { name: 'Q4_1', blockSize: 32, blockBytes: 20 }],
  [6, { name: 'Q5_0', blockSize: 32, blockBytes: 22 }],
  [7, { name: 'Q5_1', blockSize: 32, blockBytes: 24 }],
  [8, { name: 'Q8_0', blockSize: 32, blockBytes: 34 }],
  [9, { name: 'Q8_1', blockSize: 32, blockBytes: 36 }],
  [10, { name: 'Q2_K', blockSize: 256, blockBytes: 84 }],
  [11, { name: 'Q3_K', blockSize: 256, blockBytes: 110 }],
  [12, { name: 'Q4_K', blockSize: 256, blockBytes: 144 }],
  [13, { name: 'Q5_K', blockSize: 256, blockBytes: 176 }],
  [14, { name: 'Q6_K', blockSize: 256, blockBytes: 210 }],
  [15, { name: 'Q8_K', blockSize: 256, blockBytes: 292 }],
  [24, { name: 'I8', blockSize: 1, blockBytes: 1 }],
  [25, { name: 'I16', blockSize: 1, blockBytes: 2 }],
  [26, { name: 'I32', blockSize: 1, blockBytes: 4 }],
  [27, { name: 'I64', blockSize: 1, blockBytes: 8 }],
  [28, { name: 'F64', blockSize: 1, blockBytes: 8 }],
  [30, { name: 'BF16', blockSize: 1, blockBytes: 2 }],
  [34, { name: 'TQ1_0', blockSize: 256, blockBytes: 54 }],
  [35, { name: 'TQ2_0', blockSize: 256, blockBytes: 66 }],
]);

/** Bytes after the packed I2_S codes: the f32 per-tensor scale, then 28 unused bytes. */
export const I2S_TAIL_BYTES = 32;

export function ggmlTypeName(type: number): string {
  if (type === GGML_TYPE.I2_S) return 'I2_S';
  return TRAITS.get(type)?.name ?? `type ${type}`;
}

/**
 * Byte size of a tensor, or a reason it has none. BigInt so hostile dims
 * cannot overflow silently; the caller compares with the file size.
 */
export function ggmlTensorBytes(type: number, dims: readonly bigint[]): bigint | string {
  const elements = dims.reduce((a, b) => a * b, 1n);
  if (type === GGML_TYPE.I2_S) {
    // The fork's rule: 4 codes a byte over the whole tensor, then the tail.
    if (elements % 4n !== 0n) return `an I2_S tensor needs a multiple of 4 elements, not ${elements}`;
    return elements / 4n + BigInt(I2S_TAIL_BYTES);
  }
  const traits = TRAITS.get(type);
  if (!traits) return `tensor type ${type} is not one this reader knows`;
  const block = BigInt(traits.blockSize);
  if ((dims[0] ?? 1n) % block !== 0n) {
    return `a ${traits.name} tensor needs its first dimension to be a multiple of ${traits.blockSize}, not ${dims[0]}`;
  }
  return (elements / block) * BigInt(traits.blockBytes);
}
