// Simulated users typing against one server (prints figures; never fails on
// speed). Each user has a file of its own (a ~1,000-token prefix), sends it
// once (cold), then types: each keystroke is a completion-like request on the
// same file plus what was typed (llama.cpp `/completion`, streamed,
// cache_prompt, n_predict tokens). Per user count: aggregate generated
// tokens/s while typing, and p50/p90 time to first token, cold and typing.
//
//   npm run build && node --import tsx test/bench/server-load.bench.ts [--model /tmp/bitnet-2b4t.gguf]
//       [--users 1,4,16] [--prefix 1000] [--keystrokes 3] [--n 16] [--threads 0]
//   … --url http://127.0.0.1:8080   runs the same load against a server already running (e.g. llama-server)
//
// Without --url it starts `bitnet serve` (dist/cli.js) in a child process for
// each user count, with one slot per user, so the clients' timers never wait
// on the server's compute.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { tinyModelPath } from '../helpers/model-files';

const root = path.resolve(__dirname, '../..');
const REAL_SHAPE = '/tmp/bitnet-2b4t.gguf';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    users: { type: 'string', default: '1,4,16' },
    prefix: { type: 'string', default: '1000' },
    keystrokes: { type: 'string', default: '3' },
    n: { type: 'string', default: '16' },
    threads: { type: 'string', default: '0' },
    url: { type: 'string' },
  },
});
const modelPath = values.model ?? (fs.existsSync(REAL_SHAPE) ? REAL_SHAPE : tinyModelPath());
const userCounts = values.users!.split(',').map(Number);
const prefixTokens = Number(values.prefix);
const keystrokes = Number(values.keystrokes);
const nPredict = Number(values.n);

interface Sample {
  firstTokenMs: number;
  tokens: number;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** One user's file: ordinary code with names of its own, so no two users share a prefix. */
function userFile(user: number, lines: number): string {
  const out = [`// user ${user}: inventory service`, `import { db${user} } from './store${user}';`, ''];
  for (let i = 0; i < lines; i++) {
    out.push(`export function item${user}_${i}(count: number): number {`, `  return db${user}.lookup("sku-${(i * 7919 + user) % 10007}") * count + ${i};`, '}');
  }
  return out.join('\n');
}

async function tokenCount(url: string, text: string): Promise<number> {
  const res = await fetch(`${url}/tokenize`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ content: text }) });
  return ((await res.json()) as { tokens: unknown[] }).tokens.length;
}

/** A file of about `tokens` tokens for `user`. */
async function prefixOf(url: string, user: number, tokens: number): Promise<string> {
  let lines = Math.max(1, Math.round(tokens / 30));
  let text = userFile(user, lines);
  for (let n = await tokenCount(url, text); n < tokens; n = await tokenCount(url, text)) text = userFile(user, ++lines);
  return text;
}

async function complete(url: string, prompt: string): Promise<Sample> {
  const start = performance.now();
  const res = await fetch(`${url}/completion`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ prompt, n_predict: nPredict, temperature: 0, stream: true, cache_prompt: true }),
  });
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  let first = NaN;
  let tokens = 0;
  let buffered = '';
  for await (const chunk of res.body.pipeThrough(new TextDecoderStream()) as unknown as AsyncIterable<string>) {
    buffered += chunk;
    const events = buffered.split('\n\n');
    buffered = events.pop()!;
    for (const event of events) {
      if (!event.startsWith('data: ')) continue;
      const data = JSON.parse(event.slice(6)) as { content: string; stop: boolean; timings?: { predicted_n: number } };
      if (!data.stop && Number.isNaN(first)) first = performance.now() - start;
      if (data.stop) tokens = data.timings?.predicted_n ?? tokens;
    }
  }
  return { firstTokenMs: first, tokens };
}

/** What the user has typed by keystroke k: a new line growing a few characters at a time. */
function typed(user: number, k: number): string {
  return `\nexport const total${user} = item${user}_3(count) + item${user}_5(count);`.slice(0, 10 + 5 * k);
}

async function runLoad(url: string, users: number): Promise<void> {
  const files = await Promise.all(Array.from({ length: users }, (_, u) => prefixOf(url, u, prefixTokens)));
  const coldStart = performance.now();
  const cold = await Promise.all(files.map((f) => complete(url, f)));
  const coldSeconds = (performance.now() - coldStart) / 1000;
  const typingStart = performance.now();
  const warm = (
    await Promise.all(
      files.map(async (file, u) => {
        const samples: Sample[] = [];
        for (let k = 1; k <= keystrokes; k++) samples.push(await complete(url, file + typed(u, k)));
        return samples;
      }),
    )
  ).flat();
  const typingSeconds = (performance.now() - typingStart) / 1000;
  const generated = warm.reduce((s, x) => s + x.tokens, 0);
  const coldTtft = cold.map((s) => s.firstTokenMs);
  const warmTtft = warm.map((s) => s.firstTokenMs);
  console.log(
    `${String(users).padStart(2)} users: typing ${(generated / typingSeconds).toFixed(1)} generated tok/s aggregate ` +
      `(${generated} tokens in ${typingSeconds.toFixed(1)} s); first token typing p50 ${quantile(warmTtft, 0.5).toFixed(0)} ms, ` +
      `p90 ${quantile(warmTtft, 0.9).toFixed(0)} ms; cold p50 ${(quantile(coldTtft, 0.5) / 1000).toFixed(1)} s, ` +
      `p90 ${(quantile(coldTtft, 0.9) / 1000).toFixed(1)} s (all ${users} cold prefixes read in ${coldSeconds.toFixed(1)} s)`,
  );
}

async function startServe(slots: number): Promise<{ url: string; child: ChildProcess }> {
  const args = [path.join(root, 'dist', 'cli.js'), 'serve', '--model', modelPath, '--port', '0', '--slots', String(slots)];
  args.push('--ctx', String(prefixTokens + 64 + nPredict + 8 * keystrokes), '--threads', values.threads!);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`bitnet serve exited (${code}): ${out}`)));
  });
  return { url, child };
}

async function main(): Promise<void> {
  console.log(`server load: ${values.url ?? `bitnet serve on ${modelPath}`}, prefix ${prefixTokens} tokens, ${keystrokes} keystrokes per user, n_predict ${nPredict}`);
  for (const users of userCounts) {
    if (values.url) {
      await runLoad(values.url, users);
      continue;
    }
    const { url, child } = await startServe(users);
    try {
      await runLoad(url, users);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
