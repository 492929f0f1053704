// `bitnet logits --model FILE --tokens 128000,1,2 [--top 20] [--all] [--lm-head f16|int8]`:
// the logits at the last position as JSON, for parity checks against other engines.
import { parseArgs } from 'node:util';
import { openModel, parseIntList } from './open-model';

export async function logitsCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      tokens: { type: 'string' },
      top: { type: 'string', default: '20' },
      all: { type: 'boolean', default: false },
      threads: { type: 'string', default: '0' },
      'lm-head': { type: 'string', default: 'f16' },
    },
  });
  if (!values.model || !values.tokens) throw new Error('usage: bitnet logits --model FILE --tokens ID,ID,… [--top N] [--all]');
  const head = values['lm-head'];
  if (head !== 'f16' && head !== 'int8') throw new Error(`--lm-head must be f16 or int8, got '${head}'`);
  const tokens = parseIntList(values.tokens, '--tokens');
  const { model } = openModel(values.model, { threads: Number(values.threads), lmHead: head });
  try {
    const ctx = model.createContext(Math.max(tokens.length, 1));
    const out = ctx.eval(tokens);
    const top = topK(out, Number(values.top));
    const result: Record<string, unknown> = { tokens, top };
    if (values.all) result.logits = Array.from(out);
    console.log(JSON.stringify(result));
    ctx.free();
    return 0;
  } finally {
    model.free();
  }
}

export function topK(logits: Float32Array, k: number): { id: number; logit: number }[] {
  const ids = Array.from(logits.keys());
  ids.sort((a, b) => logits[b] - logits[a]);
  return ids.slice(0, Math.max(0, k)).map((id) => ({ id, logit: logits[id] }));
}
