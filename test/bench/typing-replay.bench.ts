// Replays realistic typing into real TypeScript files through the whole
// inline-completion path (InlineCompleter, warm-up, EngineClient, the worker
// and the native engine) and prints what a user would feel. Prints figures;
// never fails on speed.
//
//   npm run build && node --import tsx test/bench/typing-replay.bench.ts [--model FILE] [--conditions a,b,c] [--places N]
//
// Conditions: (a) 2 threads, idle machine; (b) 1 thread with the AVX2 kernel
// table forced (an older laptop core); (c) 2 threads while two other
// processes keep both cores busy. Files: a 150-line and a 600-line file made
// of this project's own sources. At each of N places per file the user jumps
// there, looks for a second, types a character and pauses to see what is
// offered, then types a few lines at about 8 characters a second, pausing
// 1-3 s at line ends and now and then mid-line. "Jump -> first suggestion"
// runs from the jump, so it includes that second of looking.
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { InlineCompleter, type CompleterSettings } from '../../src/completion/completer';
import type { CompletionReport } from '../../src/completion/completion-report';
import type { CompletionGenerator } from '../../src/completion/inflight-completion';
import type { DocumentSnapshot } from '../../src/completion/snapshot';
import { WARM_REST_MS } from '../../src/completion/warm-up-policy';
import { EngineClient, type GenerationStream } from '../../src/engine/client/engine-client';
import { Xorshift128 as XorShift } from '../../src/model-file/xorshift';

const root = path.resolve(__dirname, '../..');
const CHAR_MS = 125; // about 8 characters a second
const LOOK_MS = 1000; // after a jump, the user reads a moment before typing
const PAUSES_MS = [1000, 1500, 2000, 3000, 3000];
const MID_LINE_PAUSE_CHANCE = 0.08;
const LINES_TYPED = 3;
/** Default settings, as a new user has them (package.json). */
const SETTINGS: CompleterSettings = { maxTokens: 64, promptTokens: 1024, timeBudgetMs: 1500 };

interface Condition {
  name: string;
  threads: number;
  kernels?: string;
  busy: boolean;
}

const CONDITIONS: Record<string, Condition> = {
  a: { name: '(a) 2 threads, idle machine', threads: 2, busy: false },
  b: { name: '(b) 1 thread, AVX2 kernels forced', threads: 1, kernels: 'avx2', busy: false },
  c: { name: '(c) 2 threads, both cores busy with other work', threads: 2, busy: true },
};

/** Records when each generation produced its first text. */
class TimedEngine implements CompletionGenerator {
  readonly firstText: { started: number; first?: number }[] = [];
  constructor(private readonly client: EngineClient) {}
  get prefillRate() {
    return this.client.prefillRate;
  }
  warm(prompt: Parameters<EngineClient['warm']>[0], maxTokens: number): void {
    this.client.warm(prompt, maxTokens);
  }
  complete(...args: Parameters<EngineClient['complete']>): GenerationStream {
    const stream = this.client.complete(...args);
    const record: { started: number; first?: number } = { started: performance.now() };
    this.firstText.push(record);
    return {
      stats: stream.stats,
      get progress() {
        return stream.progress;
      },
      async *[Symbol.asyncIterator]() {
        for await (const chunk of stream) {
          record.first ??= performance.now();
          yield chunk;
        }
      },
    };
  }
}

interface Pause {
  at: number;
  ms: number;
  shownAt?: number;
  firstTokenAt?: number;
  afterJump: boolean;
}

interface FileRun {
  pauses: Pause[];
  jumpToFirst: number[];
  jumpToFirstToken: number[];
  shown: number;
  prefilled: number;
}

function sourceFile(lines: number): string {
  const dir = path.join(root, 'src/engine/worker');
  const all = fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).sort().flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n'));
  return all.slice(0, lines).join('\n');
}

/** Places to type at: lines with real code, spread over the file. */
function places(text: string, count: number, random: XorShift): number[] {
  const lines = text.split('\n');
  const candidates = lines.map((l, i) => i).filter((i) => i > 20 && i < lines.length - LINES_TYPED && lines[i].trim().length > 12 && !lines[i].trim().startsWith('//'));
  const picked = new Set<number>();
  while (picked.size < Math.min(count, candidates.length)) picked.add(candidates[Math.floor(random.nextFloat() * candidates.length)]);
  return [...picked];
}

function snapshot(prefix: string, suffix: string): DocumentSnapshot {
  return { path: 'src/engine/worker/example.ts', languageId: 'typescript', prefix, suffix, tabSize: 2, insertSpaces: true };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function replayFile(completer: InlineCompleter, engine: TimedEngine, client: EngineClient, text: string, placeCount: number, seed: number): Promise<FileRun> {
  const random = new XorShift(seed);
  const run: FileRun = { pauses: [], jumpToFirst: [], jumpToFirstToken: [], shown: 0, prefilled: 0 };
  const before = (await client.stats()).prefilledTokens ?? 0;
  const lines = text.split('\n');
  let request: AbortController | undefined;
  let jumpAt = 0;
  let jumpSeen = false;
  const keystroke = (prefix: string, suffix: string) => {
    request?.abort();
    const controller = new AbortController();
    request = controller;
    const pause: Pause = { at: performance.now(), ms: 0, afterJump: !jumpSeen };
    const generationsBefore = engine.firstText.length;
    void completer.complete(snapshot(prefix, suffix), { explicit: false, signal: controller.signal }).then((result) => {
      if (!result || controller.signal.aborted) return;
      pause.shownAt = performance.now();
      run.shown++;
      if (!jumpSeen) {
        jumpSeen = true;
        run.jumpToFirst.push(pause.shownAt - jumpAt);
      }
    });
    return { pause, generationsBefore };
  };
  for (const line of places(text, placeCount, random)) {
    // Jump there: the lines to type are gone, the cursor is at the start of the first.
    const typed = lines.slice(line, line + LINES_TYPED).join('\n');
    const prefix = lines.slice(0, line).join('\n') + '\n';
    const suffix = '\n' + lines.slice(line + LINES_TYPED).join('\n');
    jumpAt = performance.now();
    jumpSeen = false;
    await sleep(WARM_REST_MS);
    completer.warm(snapshot(prefix, suffix));
    await sleep(LOOK_MS - WARM_REST_MS);
    for (let i = 1; i <= typed.length; i++) {
      const { pause, generationsBefore } = keystroke(prefix + typed.slice(0, i), typed.slice(i) + suffix);
      // The first keystroke after a jump is followed by a pause: the user waits to see what is offered.
      const atLineEnd = typed[i] === '\n' || i === typed.length || i === 1;
      const wait = atLineEnd || random.nextFloat() < MID_LINE_PAUSE_CHANCE ? PAUSES_MS[Math.floor(random.nextFloat() * PAUSES_MS.length)] : CHAR_MS;
      await sleep(wait);
      pause.ms = wait;
      // The first text of a generation started or joined for this keystroke, within the pause.
      const firsts = engine.firstText.slice(Math.max(0, generationsBefore - 1)).map((g) => g.first).filter((t): t is number => t !== undefined && t < pause.at + wait);
      if (firsts.length > 0) pause.firstTokenAt = Math.max(pause.at, Math.min(...firsts.filter((t) => t >= pause.at - 60_000)));
      if (wait > CHAR_MS) run.pauses.push(pause);
    }
    const firstAfterJump = engine.firstText.filter((g) => g.started >= jumpAt && g.first !== undefined).map((g) => g.first!);
    if (firstAfterJump.length > 0) run.jumpToFirstToken.push(Math.min(...firstAfterJump) - jumpAt);
  }
  request?.abort();
  run.prefilled = ((await client.stats()).prefilledTokens ?? 0) - before;
  return run;
}

function quantile(xs: number[], q: number): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

function fmt(ms: number | undefined): string {
  return ms === undefined ? '  n/a' : `${Math.round(ms).toString().padStart(5)} ms`;
}

function describe(label: string, run: FileRun): void {
  const pauses = run.pauses;
  const long = pauses.filter((p) => p.ms >= 3000);
  const shown = pauses.filter((p) => p.shownAt !== undefined);
  const warm = pauses.filter((p) => !p.afterJump);
  const toFirst = warm.filter((p) => p.firstTokenAt !== undefined).map((p) => p.firstTokenAt! - p.at);
  const toShown = shown.map((p) => p.shownAt! - p.at);
  console.log(`  ${label}`);
  console.log(`    pauses with a suggestion before the next keystroke: ${shown.length}/${pauses.length} (${Math.round((100 * shown.length) / Math.max(1, pauses.length))}%); pauses of 3 s+ without one: ${long.filter((p) => p.shownAt === undefined).length}/${long.length}`);
  console.log(`    pause -> first token (warm): median ${fmt(quantile(toFirst, 0.5))}, p90 ${fmt(quantile(toFirst, 0.9))}  (${toFirst.length} pauses)`);
  console.log(`    pause -> suggestion:         median ${fmt(quantile(toShown, 0.5))}, p90 ${fmt(quantile(toShown, 0.9))}`);
  console.log(`    jump -> first token:         median ${fmt(quantile(run.jumpToFirstToken, 0.5))}, max ${fmt(quantile(run.jumpToFirstToken, 1))}  (${run.jumpToFirstToken.length} jumps)`);
  console.log(`    jump -> first suggestion:    median ${fmt(quantile(run.jumpToFirst, 0.5))}, max ${fmt(quantile(run.jumpToFirst, 1))}  (${run.jumpToFirst.length} jumps)`);
  console.log(`    prompt tokens computed per suggestion shown: ${Math.round(run.prefilled / Math.max(1, run.shown))} (${run.prefilled} tokens, ${run.shown} suggestions)`);
}

function startHogs(): ChildProcess[] {
  return [0, 1].map(() => fork('-e', ['for(;;){}'], { execArgv: [], stdio: 'ignore' }));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: '/tmp/bitnet-2b4t.gguf' },
      conditions: { type: 'string', default: 'a,b,c' },
      places: { type: 'string', default: '4' },
    },
  });
  const model = values.model!;
  if (!fs.existsSync(model)) throw new Error(`no model at ${model}: node dist/cli.js make-model --shape 2b4t --out ${model}`);
  const files = { '150-line file': sourceFile(150), '600-line file': sourceFile(600) };
  console.log(`model ${model}; settings ${JSON.stringify(SETTINGS)}; ${values.places} places per file`);
  for (const key of values.conditions!.split(',')) {
    const condition = CONDITIONS[key.trim()];
    if (!condition) throw new Error(`unknown condition '${key}' (a, b or c)`);
    const hogs = condition.busy ? startHogs() : [];
    try {
      const client = new EngineClient(root);
      client.setModel(model, { threads: condition.threads, kernels: condition.kernels });
      await client.request('preload', {});
      const engine = new TimedEngine(client);
      const completer = new InlineCompleter(engine, () => SETTINGS);
      const reports: CompletionReport[] = [];
      completer.onReport((r) => reports.push(r));
      const stats = await client.stats();
      console.log(`\n${condition.name}: kernels ${stats.model?.kernels}, threads ${stats.model?.threads}`);
      let seed = 1;
      for (const [label, text] of Object.entries(files)) describe(label, await replayFile(completer, engine, client, text, Number(values.places), seed++));
      console.log(`    measured prefill rate at the end: ${Math.round(client.prefillRate ?? 0)} tok/s`);
      await client.dispose();
    } finally {
      for (const hog of hogs) hog.kill();
    }
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
