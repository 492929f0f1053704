// Model files for tests. `tinyModelPath()` is a BitNet b1.58 GGUF of the
// 'tiny' shape with the real Llama 3 vocabulary, written once and cached in the
// OS temp folder under a key that changes whenever the code that writes it
// does, so every test process shares one file. `smallVocab()` and
// `writeSmallModel()` make files with a synthetic 300-token vocabulary that
// parse in well under a millisecond (the fuzz test's base).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BYTE_TO_CHAR, vocabFromTiktoken } from '../../src/tokenizer/llama3-vocab';
import { MAKE_MODEL_VERSION, MODEL_SHAPES, writeBitnetModel, type MakeModelOptions, type ModelShape, type ModelVocab } from '../../src/model-file/make-model';
import { tokenizerDataPath } from '../../src/tokenizer/tokenizer-data';

const root = path.resolve(__dirname, '../..');
const cache = new Map<string, string>();

/** Sources whose change must produce a new cached file. */
const KEY_SOURCES = ['model-file/make-model.ts', 'model-file/gguf-writer.ts', 'model-file/bitnet-tensors.ts', 'tokenizer/llama3-vocab.ts', 'model-file/ggml-types.ts', 'model-file/gguf-format.ts'];

/** A tiny BitNet model (hidden 128, ffn 256, 2 layers, 4/2 heads, real 128256-token vocabulary). */
export function tinyModelPath(seed = 1): string {
  const cached = cache.get(`tiny-${seed}`);
  if (cached) return cached;
  const file = path.join(cacheDir(), `tiny-v${MAKE_MODEL_VERSION}-seed${seed}-${sourceKey()}.gguf`);
  if (!fs.existsSync(file)) {
    // writeGguf writes beside the name and renames, so racing processes never see half a file.
    const vocab = vocabFromTiktoken(fs.readFileSync(tokenizerDataPath(), 'utf8'));
    writeBitnetModel(file, { shape: MODEL_SHAPES.tiny, vocab, seed });
  }
  cache.set(`tiny-${seed}`, file);
  return file;
}

/** 256 byte tokens, 40 merged tokens, then begin/end-of-text and eot specials. */
export function smallVocab(): ModelVocab {
  const tokens = [...BYTE_TO_CHAR];
  const merges: string[] = [];
  for (let i = 0; i < 40; i++) {
    const left = BYTE_TO_CHAR[97 + (i % 26)]!;
    const right = BYTE_TO_CHAR[97 + ((i * 7) % 26)]!;
    if (tokens.includes(left + right)) continue;
    merges.push(`${left} ${right}`);
    tokens.push(left + right);
  }
  const tokenTypes = tokens.map(() => 1);
  const bosId = tokens.push('<|begin_of_text|>') - 1;
  const eosId = tokens.push('<|end_of_text|>') - 1;
  const eotId = tokens.push('<|eot_id|>') - 1;
  tokenTypes.push(3, 3, 3);
  return { tokens, tokenTypes, merges, bosId, eosId, eotId };
}

export const SMALL_SHAPE: ModelShape = {
  embeddingLength: 128,
  feedForwardLength: 256,
  blockCount: 1,
  headCount: 2,
  headCountKv: 1,
  contextLength: 256,
};

export function smallModelOptions(overrides: Partial<MakeModelOptions> = {}): MakeModelOptions {
  return { shape: SMALL_SHAPE, vocab: smallVocab(), seed: 7, ...overrides };
}

/** Writes a small-vocabulary BitNet model into a fresh temp folder; returns its path. */
export function writeSmallModel(overrides: Partial<MakeModelOptions> = {}): string {
  const file = path.join(tempDir(), 'small.gguf');
  writeBitnetModel(file, smallModelOptions(overrides));
  return file;
}

/** A fresh folder under the OS temp folder, removed when the process exits. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bitnet-test-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function cacheDir(): string {
  const dir = path.join(os.tmpdir(), 'bitnet-test-models');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function sourceKey(): string {
  const hash = createHash('sha256');
  for (const name of KEY_SOURCES) hash.update(fs.readFileSync(path.join(root, 'src', name)));
  const data = fs.statSync(tokenizerDataPath());
  hash.update(`${data.size}`);
  return hash.digest('hex').slice(0, 12);
}
