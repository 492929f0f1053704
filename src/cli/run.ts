// `bitnet run --model FILE --prompt TEXT [--n 64] [--threads N] [--temp 0] [--seed N] [--chat]`:
// streams the model's continuation of TEXT (or, with --chat, its reply to
// TEXT as a user turn) and ends with a line of timings.
import { parseArgs } from 'node:util';
import { chatTokens } from '../engine/chat-template';
import { Sampler } from '../engine/sampler';
import { Tokenizer } from '../engine/tokenizer';
import { openModel } from './open-model';

export async function runCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      prompt: { type: 'string' },
      n: { type: 'string', default: '64' },
      threads: { type: 'string', default: '0' },
      temp: { type: 'string', default: '0' },
      seed: { type: 'string' },
      chat: { type: 'boolean', default: false },
    },
  });
  if (!values.model || values.prompt === undefined) throw new Error('usage: bitnet run --model FILE --prompt TEXT [--n 64] [--threads N] [--temp 0] [--chat]');
  const n = Number(values.n);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--n must be a positive whole number, got '${values.n}'`);
  const { model, info } = openModel(values.model, { threads: Number(values.threads) });
  const tokenizer = Tokenizer.fromVocab(info.vocab);
  const prompt = values.chat
    ? chatTokens(tokenizer, [{ role: 'user', content: values.prompt }])
    : tokenizer.encode(values.prompt, { bos: true });
  const sampler = new Sampler({ temperature: Number(values.temp), seed: values.seed === undefined ? undefined : Number(values.seed) });
  const ctx = model.createContext(Math.min(info.hparams.contextLength, prompt.length + n));
  const decoder = tokenizer.streamDecoder();
  const history = [...prompt];
  try {
    let t0 = performance.now();
    let logits = ctx.eval(prompt);
    const promptMs = performance.now() - t0;
    t0 = performance.now();
    let generated = 0;
    while (generated < n) {
      const next = sampler.sample(logits, history);
      if (tokenizer.isEndOfGeneration(next)) break;
      history.push(next);
      generated++;
      process.stdout.write(decoder.push(next));
      if (generated === n) break;
      logits = ctx.eval([next]);
    }
    process.stdout.write(decoder.flush());
    const genMs = performance.now() - t0;
    const rate = (count: number, ms: number) => (ms > 0 ? ((count * 1000) / ms).toFixed(1) : '–');
    console.log(
      `\n\nprompt ${prompt.length} tokens in ${promptMs.toFixed(0)} ms (${rate(prompt.length, promptMs)} tok/s), ` +
        `generated ${generated} tokens in ${genMs.toFixed(0)} ms (${rate(generated, genMs)} tok/s), ` +
        `${model.stats.kernels} kernels, ${model.stats.threads} threads`,
    );
    return 0;
  } finally {
    ctx.free();
    model.free();
  }
}
