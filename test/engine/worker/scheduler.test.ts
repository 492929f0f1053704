import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler, type Activity, type Job, type Priority } from '../../../src/engine/worker/scheduler';
import type { GenerationKind } from '../../../src/engine/protocol';

/** A job that takes `steps` steps and writes each one to a shared log. */
class LoggedJob implements Job {
  private done = 0;
  constructor(
    readonly kind: GenerationKind,
    readonly name: string,
    private readonly steps: number,
    private readonly log: string[],
    private readonly onStep?: (step: number) => void,
    readonly priority: Priority = kind === 'chat' ? 'chat' : 'live',
  ) {}
  step(): boolean {
    this.log.push(`${this.name}${this.done}`);
    this.onStep?.(this.done);
    return ++this.done === this.steps;
  }
  cancel(): void {
    this.log.push(`${this.name}:aborted`);
  }
  activity(): Activity | undefined {
    return this.priority === 'background' ? undefined : { kind: this.kind };
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

test('a chat reply in progress pauses between steps while a completion runs, then continues', async () => {
  const log: string[] = [];
  const scheduler = new Scheduler();
  const chat = new LoggedJob('chat', 'chat', 4, log, (step) => {
    if (step === 1) scheduler.submit(new LoggedJob('completion', 'comp', 2, log));
  });
  scheduler.submit(chat);
  await drained(scheduler);
  assert.deepEqual(log, ['chat0', 'chat1', 'comp0', 'comp1', 'chat2', 'chat3']);
});

test('a newer completion supersedes an older one, which ends as aborted at once', async () => {
  const log: string[] = [];
  const scheduler = new Scheduler();
  const first = new LoggedJob('completion', 'old', 5, log, (step) => {
    if (step === 0) scheduler.submit(new LoggedJob('completion', 'new', 2, log));
  });
  scheduler.submit(first);
  await drained(scheduler);
  assert.deepEqual(log, ['old0', 'old:aborted', 'new0', 'new1']);
});

test('background reading runs only when no completion or chat reply wants the worker', async () => {
  const log: string[] = [];
  const scheduler = new Scheduler();
  scheduler.submit(new LoggedJob('completion', 'warm', 3, log, (step) => {
    if (step === 0) scheduler.submit(new LoggedJob('chat', 'chat', 2, log));
  }, 'background'));
  await drained(scheduler);
  assert.deepEqual(log, ['warm0', 'chat0', 'chat1', 'warm1', 'warm2']);
});

test('a live completion replaces background reading, and newer background reading replaces older', async () => {
  const log: string[] = [];
  const scheduler = new Scheduler();
  scheduler.submit(new LoggedJob('completion', 'a', 3, log, undefined, 'background'));
  scheduler.submit(new LoggedJob('completion', 'b', 3, log, undefined, 'background'));
  await drained(scheduler);
  scheduler.submit(new LoggedJob('completion', 'c', 3, log, undefined, 'background'));
  scheduler.submit(new LoggedJob('completion', 'live', 1, log));
  await drained(scheduler);
  assert.deepEqual(log, ['a:aborted', 'b0', 'b1', 'b2', 'c:aborted', 'live0']);
});

test('background reading does not replace a live completion waiting its turn', async () => {
  const log: string[] = [];
  const scheduler = new Scheduler();
  scheduler.submit(new LoggedJob('completion', 'live', 2, log));
  scheduler.submit(new LoggedJob('completion', 'warm', 1, log, undefined, 'background'));
  await drained(scheduler);
  assert.deepEqual(log, ['live0', 'live1', 'warm0']);
});

test('stopping background work ends only the background jobs', async () => {
  const log: string[] = [];
  const scheduler = new Scheduler();
  scheduler.submit(new LoggedJob('chat', 'chat', 2, log, (step) => {
    if (step === 0) scheduler.cancelBackground();
  }));
  scheduler.submit(new LoggedJob('completion', 'warm', 2, log, undefined, 'background'));
  await drained(scheduler);
  assert.deepEqual(log, ['chat0', 'warm:aborted', 'chat1']);
});

test('chat requests are served one after another in arrival order', async () => {
  const log: string[] = [];
  const scheduler = new Scheduler();
  scheduler.submit(new LoggedJob('chat', 'a', 2, log));
  scheduler.submit(new LoggedJob('chat', 'b', 1, log));
  await drained(scheduler);
  assert.deepEqual(log, ['a0', 'a1', 'b0']);
});

test('the scheduler reports what comes next after each step, and when it goes idle', async () => {
  const seen: (GenerationKind | undefined)[] = [];
  const scheduler = new Scheduler({ onActivity: (a) => seen.push(a?.kind) });
  scheduler.submit(new LoggedJob('chat', 'chat', 1, []));
  scheduler.submit(new LoggedJob('completion', 'comp', 1, []));
  scheduler.submit(new LoggedJob('completion', 'warm', 1, [], undefined, 'background'));
  await drained(scheduler);
  await new Promise((r) => setImmediate(r));
  // After the completion: the chat is next; after the chat: background work, which shows as idle.
  assert.deepEqual(seen, ['chat', undefined, undefined, undefined]);
});

test('a job that throws is dropped and the next one still runs', async () => {
  const log: string[] = [];
  const errors: unknown[] = [];
  const scheduler = new Scheduler({ onError: (err) => errors.push(err) });
  const broken: Job = {
    kind: 'completion',
    priority: 'live',
    step: () => {
      throw new Error('boom');
    },
    cancel: () => {},
    activity: () => undefined,
  };
  scheduler.submit(broken);
  scheduler.submit(new LoggedJob('chat', 'chat', 1, log));
  await drained(scheduler);
  assert.deepEqual(log, ['chat0']);
  assert.equal((errors[0] as Error).message, 'boom');
});
