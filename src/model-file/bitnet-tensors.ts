// The tensors a BitNet b1.58 model needs (docs/model-file.md, Tensors): names, ggml types and
// shapes (ggml order: dims[0] is the input width K, dims[1] the output rows).
// The model check and the model writer both use this one table.
import { GGML_TYPE } from './ggml-types';

export interface ModelShape {
  embeddingLength: number;
  feedForwardLength: number;
  blockCount: number;
  headCount: number;
  headCountKv: number;
  contextLength: number;
}

export interface TensorShape {
  name: string;
  type: number;
  dims: number[];
}

/** Every tensor of the model, in the order our writer stores them. */
export function bitnetTensorShapes(s: ModelShape, vocabSize: number): TensorShape[] {
  const e = s.embeddingLength;
  const f = s.feedForwardLength;
  const kv = (e / s.headCount) * s.headCountKv;
  const out: TensorShape[] = [{ name: 'token_embd.weight', type: GGML_TYPE.F16, dims: [e, vocabSize] }];
  const norm = (name: string, n: number) => out.push({ name, type: GGML_TYPE.F32, dims: [n] });
  const ternary = (name: string, k: number, rows: number) => out.push({ name, type: GGML_TYPE.I2_S, dims: [k, rows] });
  for (let b = 0; b < s.blockCount; b++) {
    const p = `blk.${b}.`;
    norm(`${p}attn_norm.weight`, e);
    ternary(`${p}attn_q.weight`, e, e);
    ternary(`${p}attn_k.weight`, e, kv);
    ternary(`${p}attn_v.weight`, e, kv);
    ternary(`${p}attn_output.weight`, e, e);
    norm(`${p}attn_sub_norm.weight`, e);
    norm(`${p}ffn_norm.weight`, e);
    ternary(`${p}ffn_gate.weight`, e, f);
    ternary(`${p}ffn_up.weight`, e, f);
    ternary(`${p}ffn_down.weight`, f, e);
    norm(`${p}ffn_sub_norm.weight`, f);
  }
  norm('output_norm.weight', e);
  return out;
}
