// `bitnet make-model --shape tiny|2b4t --out FILE [--seed N]`: writes a BitNet
// b1.58 GGUF in the official layout with random ternary weights and the real
// Llama 3 tokenizer, for tests and benchmarks.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { vocabFromTiktoken } from '../engine/llama3-vocab';
import { MODEL_SHAPES, writeBitnetModel, type ModelShapeName } from '../engine/make-model';
import { readTokenizerData } from '../engine/tokenizer-data';
import { UsageError, parseArgs } from './args';

const USAGE = 'usage: bitnet make-model --shape tiny|2b4t --out FILE [--seed N]';

export async function makeModelCommand(args: string[]): Promise<number> {
  const { options, positional } = parseArgs(args, ['shape', 'out', 'seed']);
  const shapeName = options.get('shape') ?? '';
  const out = options.get('out');
  const seed = Number(options.get('seed') ?? '1');
  if (!(shapeName in MODEL_SHAPES)) throw new UsageError(`--shape must be one of ${Object.keys(MODEL_SHAPES).join(', ')}\n${USAGE}`);
  if (!out || positional.length > 0) throw new UsageError(USAGE);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UsageError('--seed must be an integer from 0 to 4294967295');

  if (!fs.existsSync(path.dirname(path.resolve(out)))) throw new UsageError(`the folder for ${out} does not exist`);

  const start = performance.now();
  const vocab = vocabFromTiktoken(readTokenizerData());
  const result = writeBitnetModel(out, { shape: MODEL_SHAPES[shapeName as ModelShapeName], vocab, seed });
  const seconds = (performance.now() - start) / 1000;
  console.log(`wrote ${out}: ${result.bytes} bytes (${(result.bytes / 1e9).toFixed(2)} GB) in ${seconds.toFixed(1)} s`);
  return 0;
}
