// A plain, slow, obvious BitNet b1.58 forward pass written from
// docs/forward-pass.md, used only by tests to check the native engine.
// Every rounding step docs/exactness.md names is spelled out with
// Math.fround; nothing here is optimised. Tiny models only.
import * as fs from 'node:fs';
import type { ModelHyperparams, TensorEntry } from '../../native';
import { readBitnetModel } from '../../src/model-file/bitnet-model';
import { f16ToF32, roundF16 } from './f16';

const fr = Math.fround;

interface Ternary {
  rows: number;
  cols: number;
  scale: number;
  /** Weights in {-1, 0, 1}, row-major. */
  w: Int8Array;
}

interface Layer {
  attnNorm: Float32Array;
  q: Ternary;
  k: Ternary;
  v: Ternary;
  o: Ternary;
  attnSubNorm: Float32Array;
  ffnNorm: Float32Array;
  gate: Ternary;
  up: Ternary;
  down: Ternary;
  ffnSubNorm: Float32Array;
}

export interface ReferenceOptions {
  /** Round Q to F16 before the scores: 'batch' does it for batches of 2+ tokens, as the reference engine does (docs/exactness.md, KV cache and attention). */
  roundQ: 'batch' | 'never' | 'always';
}

export class ReferenceModel {
  private readonly keys: Float32Array[][] = [];
  private readonly values: Float32Array[][] = [];

  private constructor(
    readonly hp: ModelHyperparams,
    private readonly embedding: Uint16Array,
    private readonly layers: Layer[],
    private readonly outputNorm: Float32Array,
    private readonly options: ReferenceOptions,
  ) {
    for (let l = 0; l < hp.blockCount; l++) {
      this.keys.push([]);
      this.values.push([]);
    }
  }

  static load(path: string, options: ReferenceOptions = { roundQ: 'batch' }): ReferenceModel {
    const info = readBitnetModel(path);
    const fd = fs.openSync(path, 'r');
    try {
      const byName = new Map(info.tensors.map((t) => [t.name, t]));
      const get = (name: string) => {
        const t = byName.get(name);
        if (!t) throw new Error(`missing ${name}`);
        return t;
      };
      const layers: Layer[] = [];
      for (let l = 0; l < info.hparams.blockCount; l++) {
        const p = `blk.${l}.`;
        layers.push({
          attnNorm: readF32(fd, get(p + 'attn_norm.weight')),
          q: readTernary(fd, get(p + 'attn_q.weight')),
          k: readTernary(fd, get(p + 'attn_k.weight')),
          v: readTernary(fd, get(p + 'attn_v.weight')),
          o: readTernary(fd, get(p + 'attn_output.weight')),
          attnSubNorm: readF32(fd, get(p + 'attn_sub_norm.weight')),
          ffnNorm: readF32(fd, get(p + 'ffn_norm.weight')),
          gate: readTernary(fd, get(p + 'ffn_gate.weight')),
          up: readTernary(fd, get(p + 'ffn_up.weight')),
          down: readTernary(fd, get(p + 'ffn_down.weight')),
          ffnSubNorm: readF32(fd, get(p + 'ffn_sub_norm.weight')),
        });
      }
      const embedding = new Uint16Array(readBytes(fd, get('token_embd.weight')).buffer.slice(0));
      return new ReferenceModel(info.hparams, embedding, layers, readF32(fd, get('output_norm.weight')), options);
    } finally {
      fs.closeSync(fd);
    }
  }

  get length(): number {
    return this.keys[0]?.length ?? 0;
  }

  /** Evaluates `tokens` after the ones already seen; returns logits for each. */
  forward(tokens: number[]): Float32Array[] {
    const hp = this.hp;
    const start = this.length;
    const roundQ = this.options.roundQ === 'always' || (this.options.roundQ === 'batch' && tokens.length > 1);
    let h = tokens.map((id) => this.embed(id));
    for (let l = 0; l < hp.blockCount; l++) {
      const L = this.layers[l];
      const a = h.map((x) => rmsNorm(x, L.attnNorm, hp.rmsEpsilon));
      const attnOut = a.map((x, t) => {
        const q = bitLinear(L.q, x);
        const k = bitLinear(L.k, x);
        const v = bitLinear(L.v, x);
        this.rope(q, start + t, hp.headCount);
        this.rope(k, start + t, hp.headCountKv);
        this.keys[l].push(k.map(roundF16));
        this.values[l].push(v.map(roundF16));
        return q;
      });
      const o = attnOut.map((q, t) => {
        const qq = roundQ ? q.map(roundF16) : q;
        const out = this.attention(l, qq, start + t + 1);
        const sub = rmsNorm(out, L.attnSubNorm, hp.rmsEpsilon);
        return bitLinear(L.o, sub);
      });
      h = h.map((x, t) => {
        const fIn = add(o[t], x);
        const u = rmsNorm(fIn, L.ffnNorm, hp.rmsEpsilon);
        const up = bitLinear(L.up, u);
        const gate = bitLinear(L.gate, u);
        const m = new Float32Array(up.length);
        for (let i = 0; i < m.length; i++) {
          const r = gate[i] > 0 ? gate[i] : 0;
          m[i] = fr(fr(r * r) * up[i]);
        }
        const d = bitLinear(L.down, rmsNorm(m, L.ffnSubNorm, hp.rmsEpsilon));
        return add(d, fIn);
      });
    }
    return h.map((x) => this.logits(rmsNorm(x, this.outputNorm, hp.rmsEpsilon)));
  }

  private embed(id: number): Float32Array {
    const n = this.hp.embeddingLength;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = f16ToF32(this.embedding[id * n + i]);
    return out;
  }

  /** NEOX RoPE with the iteratively multiplied angle and FMA-contracted rotation (docs/exactness.md, RoPE). */
  private rope(v: Float32Array, pos: number, heads: number): void {
    const dim = this.hp.embeddingLength / this.hp.headCount;
    const half = dim / 2;
    const thetaScale = fr(Math.pow(this.hp.ropeFreqBase, -2 / dim));
    for (let h = 0; h < heads; h++) {
      let theta = fr(pos);
      for (let i = 0; i < half; i++) {
        const c = fr(Math.cos(theta));
        const s = fr(Math.sin(theta));
        const x0 = v[h * dim + i];
        const x1 = v[h * dim + i + half];
        v[h * dim + i] = fr(x0 * c - fr(x1 * s));
        v[h * dim + i + half] = fr(x0 * s + fr(x1 * c));
        theta = fr(theta * thetaScale);
      }
    }
  }

  private attention(layer: number, q: Float32Array, nKv: number): Float32Array {
    const hp = this.hp;
    const dim = hp.embeddingLength / hp.headCount;
    const group = hp.headCount / hp.headCountKv;
    const scale = fr(1 / Math.sqrt(dim));
    const out = new Float32Array(hp.embeddingLength);
    for (let h = 0; h < hp.headCount; h++) {
      const kvHead = Math.floor(h / group);
      const w = new Float64Array(nKv);
      let max = -Infinity;
      for (let j = 0; j < nKv; j++) {
        const k = this.keys[layer][j];
        let dot = 0;
        for (let i = 0; i < dim; i++) dot += k[kvHead * dim + i] * q[h * dim + i];
        w[j] = fr(fr(dot) * scale);
        max = Math.max(max, w[j]);
      }
      let sum = 0;
      for (let j = 0; j < nKv; j++) {
        w[j] = fr(Math.exp(w[j] - max));
        sum += w[j];
      }
      const inv = fr(1 / sum);
      for (let i = 0; i < dim; i++) {
        let acc = 0;
        for (let j = 0; j < nKv; j++) acc += fr(w[j] * inv) * this.values[layer][j][kvHead * dim + i];
        out[h * dim + i] = fr(acc);
      }
    }
    return out;
  }

  private logits(n: Float32Array): Float32Array {
    const dim = this.hp.embeddingLength;
    const out = new Float32Array(this.hp.vocabSize);
    for (let v = 0; v < out.length; v++) {
      let acc = 0;
      for (let i = 0; i < dim; i++) acc += f16ToF32(this.embedding[v * dim + i]) * n[i];
      out[v] = fr(acc);
    }
    return out;
  }
}

/** RMSNorm: squares rounded to f32, summed in double; mean, eps, sqrt in f32; two f32 multiplies (docs/exactness.md, RMSNorm). */
export function rmsNorm(x: Float32Array, w: Float32Array, eps: number): Float32Array {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += fr(x[i] * x[i]);
  const mean = fr(sum / x.length);
  const scale = fr(1 / fr(Math.sqrt(fr(mean + eps))));
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = fr(fr(x[i] * scale) * w[i]);
  return y;
}

/** Per-token absmax int8 quantization (docs/exactness.md, Activation quantization). */
export function quantizeI8(x: Float32Array): { q: Int8Array; s: number } {
  let max = 1e-5;
  for (const v of x) max = Math.max(max, Math.abs(v));
  const s = fr(127 / max);
  const q = new Int8Array(x.length);
  for (let i = 0; i < x.length; i++) q[i] = Math.max(-128, Math.min(127, roundHalfEven(fr(x[i] * s))));
  return { q, s };
}

/** BitLinear: exact integer ternary dot, then (Σ t·q / s) · scale in f32 (docs/exactness.md, BitLinear output). */
export function bitLinear(m: Ternary, x: Float32Array): Float32Array {
  const { q, s } = quantizeI8(x);
  const y = new Float32Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    let acc = 0;
    const row = r * m.cols;
    for (let c = 0; c < m.cols; c++) acc += m.w[row + c] * q[c];
    y[r] = fr(fr(acc / s) * m.scale);
  }
  return y;
}

function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

function add(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = fr(a[i] + b[i]);
  return out;
}

function readBytes(fd: number, t: TensorEntry): Buffer {
  const buf = Buffer.alloc(t.bytes);
  fs.readSync(fd, buf, 0, t.bytes, t.offset);
  return buf;
}

function readF32(fd: number, t: TensorEntry): Float32Array {
  const b = readBytes(fd, t);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

/** Decodes I2_S (docs/model-file.md, I2_S): 128-weight blocks of 32 bytes, byte j holds j, j+32, j+64, j+96 from the top bits. */
function readTernary(fd: number, t: TensorEntry): Ternary {
  const [cols, rows] = t.dims;
  const b = readBytes(fd, t);
  const n = rows * cols;
  const w = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const block = Math.floor(i / 128);
    const within = i % 128;
    const byte = b[block * 32 + (within % 32)];
    const code = (byte >> (6 - 2 * Math.floor(within / 32))) & 3;
    w[i] = code === 3 ? 0 : code - 1;
  }
  const scale = b.readFloatLE(n / 4);
  return { rows, cols, scale, w };
}
