import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler, type Job } from '../../src/engine/scheduler';
import type { GenerationKind } from '../../src/engine/protocol';

/** A job that takes `steps` steps and writes each one to a shared log. */
class LoggedJob implements Job {
  cancelled = false;
  private done = 0;
  constructor(
    readonly kind: GenerationKind,
    readonly name: string,
    private readonly steps: number,
    private readonly log: string[],
    private readonly onStep?: (step: number) => void,
  ) {}
  step(): boolean {
    if (this.cancelled) {
      this.log.push(`${this.name}:aborted`);
      return true;
    }
    this.log.push(`${this.name}${this.done}`);
    this.onStep?.(this.done);
    return ++this.done === this.steps;
  }
  cancel(): void {
    this.cancelled = true;
  }
}

function drained(scheduler: Scheduler): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (scheduler.idle ? resolve() : setImmediate(check));
    check();
  });
}

test('a completion request goes before a chat request that arrived at the same time', async () => {
  const log: string[] = [];
  const scheduler = new Scheduler();
  scheduler.submit(new LoggedJob('chat', 'chat', 2, log));
  scheduler.submit(new LoggedJob('completion', 'comp', 2, log));
  await drained(scheduler);
  assert.deepEqual(log, ['comp0', 'comp1', 'chat0', 'chat1']);
});

test('a chat reply in progress pauses between tokens while a completion runs, then continues', async () => {
  const log: string[] = [];
  const scheduler = new Scheduler();
  const chat = new LoggedJob('chat', 'chat', 4, log, (step) => {
    if (step === 1) scheduler.submit(new LoggedJob('completion', 'comp', 2, log));
  });
  scheduler.submit(chat);
  await drained(scheduler);
  assert.deepEqual(log, ['chat0', 'chat1', 'comp0', 'comp1', 'chat2', 'chat3']);
});

test('a newer completion supersedes an older one, which ends as aborted', async () => {
  const log: string[] = [];
  const scheduler = new Scheduler();
  const first = new LoggedJob('completion', 'old', 5, log, (step) => {
    if (step === 0) scheduler.submit(new LoggedJob('completion', 'new', 2, log));
  });
  scheduler.submit(first);
  await drained(scheduler);
  assert.deepEqual(log, ['old0', 'old:aborted', 'new0', 'new1']);
});

test('chat requests are served one after another in arrival order', async () => {
  const log: string[] = [];
  const scheduler = new Scheduler();
  scheduler.submit(new LoggedJob('chat', 'a', 2, log));
  scheduler.submit(new LoggedJob('chat', 'b', 1, log));
  await drained(scheduler);
  assert.deepEqual(log, ['a0', 'a1', 'b0']);
});

test('the scheduler reports which kind of job runs and when it goes idle', async () => {
  const seen: (GenerationKind | undefined)[] = [];
  const scheduler = new Scheduler({ onActivity: (kind) => seen.push(kind) });
  scheduler.submit(new LoggedJob('chat', 'chat', 1, []));
  scheduler.submit(new LoggedJob('completion', 'comp', 1, []));
  await drained(scheduler);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(seen, ['completion', 'chat', undefined]);
});

test('a job that throws is dropped and the next one still runs', async () => {
  const log: string[] = [];
  const errors: unknown[] = [];
  const scheduler = new Scheduler({ onError: (err) => errors.push(err) });
  const broken: Job = {
    kind: 'completion',
    step: () => {
      throw new Error('boom');
    },
    cancel: () => {},
  };
  scheduler.submit(broken);
  scheduler.submit(new LoggedJob('chat', 'chat', 1, log));
  await drained(scheduler);
  assert.deepEqual(log, ['chat0']);
  assert.equal((errors[0] as Error).message, 'boom');
});
