// `bitnet run --model FILE --prompt TEXT [--n 64] [--threads N] [--temp 0] [--seed N] [--chat]`:
// streams the model's continuation of TEXT (or, with --chat, its reply to
// TEXT as a user turn) and ends with a line of timings. The prompt and the
// generated tokens share the model's context: a prompt that does not fit is
// an error, and generation stops when the context is full, with a note.
import { chatTokens } from '../tokenizer/chat-template';
import { Sampler } from '../engine/decoding/sampler';
import { Tokenizer } from '../tokenizer/tokenizer';
import { decimal, wholeNumber, type Command } from './args';
import { SEED, TEMPERATURE } from './limits';
import { openModel, threadCount } from './open-model';

export const run: Command = {
  spec: {
    name: 'run',
    description: 'Streams the model\'s continuation of the prompt (with --chat, its reply to the prompt as a user message) and ends with a line of timings.',
    options: {
      model: { type: 'string', value: 'FILE', help: 'the GGUF model', required: true },
      prompt: { type: 'string', value: 'TEXT', help: 'the text to continue (or the user message, with --chat)', required: true },
      n: { type: 'string', value: 'N', help: 'most tokens to generate; fewer if the context fills up first', default: '64' },
      threads: { type: 'string', value: 'N', help: 'CPU threads; 0 is one per physical core', default: '0' },
      temp: { type: 'string', value: 'T', help: `sampling temperature from ${TEMPERATURE.min} to ${TEMPERATURE.max}; 0 picks the most likely token`, default: '0' },
      seed: { type: 'string', value: 'N', help: 'seed for sampling (temperature above 0); default: random' },
      chat: { type: 'boolean', help: 'send the prompt as a user message in the chat format' },
    },
  },
  async run({ values }) {
    const n = wholeNumber(values, 'n', 1);
    const temperature = decimal(values, 'temp', TEMPERATURE.min, TEMPERATURE.max);
    const seed = values.seed === undefined ? undefined : wholeNumber(values, 'seed', SEED.min, SEED.max);
    const threads = threadCount(values);
    const { model, info } = openModel(String(values.model), { threads });
    try {
      const tokenizer = Tokenizer.fromVocab(info.vocab);
      const text = String(values.prompt);
      const prompt = values.chat ? chatTokens(tokenizer, [{ role: 'user', content: text }]) : tokenizer.encode(text, { bos: true });
      const room = roomToGenerate(prompt.length, info.hparams.contextLength);
      return generate({ model, tokenizer, prompt, n: Math.min(n, room), askedFor: n, sampler: new Sampler({ temperature, seed }) });
    } finally {
      model.free();
    }
  },
};

/**
 * How many tokens can follow a prompt of `promptTokens` in a context of
 * `contextLength`; a prompt that leaves no room is an error that says what to do.
 */
export function roomToGenerate(promptTokens: number, contextLength: number): number {
  if (promptTokens >= contextLength) {
    throw new Error(`the prompt is ${promptTokens} tokens, more than the model's context of ${contextLength} tokens holds with a reply; shorten the prompt`);
  }
  return contextLength - promptTokens;
}

interface Generation {
  model: ReturnType<typeof openModel>['model'];
  tokenizer: Tokenizer;
  prompt: number[];
  /** Tokens to generate at most (already cut to the room in the context). */
  n: number;
  /** What --n asked for. */
  askedFor: number;
  sampler: Sampler;
}

function generate({ model, tokenizer, prompt, n, askedFor, sampler }: Generation): number {
  const ctx = model.createContext(prompt.length + n);
  const decoder = tokenizer.streamDecoder();
  const history = [...prompt];
  try {
    let t0 = performance.now();
    let logits = ctx.eval(prompt);
    const promptMs = performance.now() - t0;
    t0 = performance.now();
    let generated = 0;
    let ended = false;
    while (generated < n) {
      const next = sampler.sample(logits, history);
      if (tokenizer.isEndOfGeneration(next)) {
        ended = true;
        break;
      }
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
    if (!ended && n < askedFor) {
      console.log(`note: stopped after ${generated} of the ${askedFor} tokens --n asked for: the prompt and the reply fill the model's context of ${prompt.length + n} tokens`);
    }
    return 0;
  } finally {
    ctx.free();
  }
}
