// `bitnet make-model --shape tiny|2b4t --out FILE [--seed N]`: writes a BitNet
// b1.58 GGUF in the official layout with random ternary weights and the real
// Llama 3 tokenizer, for tests and benchmarks.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { vocabFromTiktoken } from '../tokenizer/llama3-vocab';
import { MODEL_SHAPES, writeBitnetModel, type ModelShapeName } from '../model-file/make-model';
import { readTokenizerData } from '../tokenizer/tokenizer-data';
import { MODEL_SIZE_TEXT } from '../model/model-size';
import { UsageError, oneOf, wholeNumber, type Command } from './args';
import { SEED } from './limits';

const SHAPES = Object.keys(MODEL_SHAPES) as ModelShapeName[];

export const makeModel: Command = {
  spec: {
    name: 'make-model',
    description: 'Writes a BitNet b1.58 GGUF in the official layout with random ternary weights and the real Llama 3 tokenizer, for tests and benchmarks.',
    options: {
      shape: { type: 'string', value: SHAPES.join('|'), help: `tiny: 2 layers, hidden 128; 2b4t: the real model's shapes (${MODEL_SIZE_TEXT})`, required: true },
      out: { type: 'string', value: 'FILE', help: 'the file to write', required: true },
      seed: { type: 'string', value: 'N', help: 'seed of the random weights', default: '1' },
    },
  },
  async run({ values }) {
    const shape = oneOf(values, 'shape', SHAPES);
    const seed = wholeNumber(values, 'seed', SEED.min, SEED.max);
    const out = String(values.out);
    if (!fs.existsSync(path.dirname(path.resolve(out)))) throw new UsageError(`the folder for --out ${out} does not exist`);

    const start = performance.now();
    const vocab = vocabFromTiktoken(readTokenizerData());
    const result = writeBitnetModel(out, { shape: MODEL_SHAPES[shape], vocab, seed });
    const seconds = (performance.now() - start) / 1000;
    console.log(`wrote ${out}: ${result.bytes} bytes (${(result.bytes / 1e9).toFixed(2)} GB) in ${seconds.toFixed(1)} s`);
    return 0;
  },
};
