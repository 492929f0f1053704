// `bitnet logits --model FILE --tokens 128000,1,2 [--top 20] [--all] [--lm-head f16|int8|q4] [--kv-cache f16|i8]`:
// the logits at the last position as JSON, for parity checks against other engines.
import { oneOf, wholeNumber, wholeNumberList, type Command } from './args';
import { KV_CACHES, KV_CACHE_HELP, LM_HEADS, LM_HEAD_HELP, openModel, threadCount } from './open-model';

export const logits: Command = {
  spec: {
    name: 'logits',
    description: 'Evaluates the token ids and prints the logits at the last position as JSON ({ tokens, top, logits }), for parity checks against other engines.',
    options: {
      model: { type: 'string', value: 'FILE', help: 'the GGUF model', required: true },
      tokens: { type: 'string', value: 'ID,ID,…', help: 'the token ids to evaluate, comma-separated', required: true },
      top: { type: 'string', value: 'N', help: 'how many of the highest logits to list', default: '20' },
      all: { type: 'boolean', help: 'also print the whole logits vector' },
      threads: { type: 'string', value: 'N', help: 'CPU threads; 0 is one per physical core', default: '0' },
      'lm-head': { type: 'string', value: LM_HEADS.join('|'), help: LM_HEAD_HELP, default: 'f16' },
      'kv-cache': { type: 'string', value: KV_CACHES.join('|'), help: KV_CACHE_HELP, default: 'f16' },
    },
  },
  async run({ values }) {
    const tokens = wholeNumberList(values, 'tokens', 0);
    const top = wholeNumber(values, 'top', 0);
    const lmHead = oneOf(values, 'lm-head', LM_HEADS);
    const { model, info } = openModel(String(values.model), { threads: threadCount(values), lmHead, kvCache: oneOf(values, 'kv-cache', KV_CACHES) });
    try {
      const context = info.hparams.contextLength;
      if (tokens.length > context) throw new Error(`--tokens has ${tokens.length} ids and the model's context holds ${context}; shorten the prompt`);
      const ctx = model.createContext(tokens.length);
      const out = ctx.eval(tokens);
      const result: Record<string, unknown> = { tokens, top: topK(out, top) };
      if (values.all) result.logits = Array.from(out);
      console.log(JSON.stringify(result));
      ctx.free();
      return 0;
    } finally {
      model.free();
    }
  },
};

export function topK(logits: Float32Array, k: number): { id: number; logit: number }[] {
  const ids = Array.from(logits.keys());
  ids.sort((a, b) => logits[b] - logits[a]);
  return ids.slice(0, Math.max(0, k)).map((id) => ({ id, logit: logits[id] }));
}
