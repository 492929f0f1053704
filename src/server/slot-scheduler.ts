// Runs the server's requests on its slots, one small step at a time with a
// turn of the event loop between steps (so new requests and disconnects
// arrive). A step is one pass over the weights (model.evalBatch) for the
// next token of every slot that is generating and up to `prefillChunk`
// prompt tokens of the slots reading, fewest-left first: every user's next
// keystroke (a few new tokens after a cached prefix) is read in the same
// step, and none waits behind someone's cold file. A request goes to the
// idle slot whose cache shares the longest prefix with it, if that is at
// least half of what the slot holds (a user's next keystroke); else to the
// slot idle longest, so a new conversation does not evict someone's file
// for the sake of a shared first token.
import type { NativeModel } from '../../native';
import { MAX_STEP_TOKENS } from './server-config';
import type { SlotCache } from './slot-cache';
import type { SlotJob } from './slot-job';

interface Slot {
  id: number;
  cache: SlotCache;
  job: SlotJob | undefined;
  lastUsed: number;
  requests: number;
}

export interface SlotInfo {
  id: number;
  capacity: number;
  /** Tokens in the slot's KV cache. */
  cachedTokens: number;
  processing: boolean;
  /** Requests this slot has taken. */
  requests: number;
}

export class SlotScheduler {
  private readonly slots: Slot[];
  private readonly queue: SlotJob[] = [];
  private running = false;
  private useCount = 0;

  constructor(
    private readonly model: Pick<NativeModel, 'evalBatch'>,
    caches: SlotCache[],
    private readonly vocabSize: number,
    /** Prompt tokens read per step, over all slots: smaller lets generating slots' tokens through sooner. */
    private readonly prefillChunk: number,
  ) {
    this.slots = caches.map((cache, id) => ({ id, cache, job: undefined, lastUsed: 0, requests: 0 }));
  }

  submit(job: SlotJob): void {
    this.queue.push(job);
    this.wake();
  }

  /** Wakes the loop for a job that was cancelled while it had nothing to do. */
  poke(): void {
    this.wake();
  }

  info(): SlotInfo[] {
    return this.slots.map((s) => ({
      id: s.id,
      capacity: s.cache.capacity,
      cachedTokens: s.cache.tokens.length,
      processing: s.job !== undefined,
      requests: s.requests,
    }));
  }

  /** Ends every request (the server is closing). */
  cancelAll(): void {
    for (const job of this.queue.splice(0)) job.abandon();
    for (const slot of this.slots) {
      slot.job?.abandon();
      slot.job = undefined;
    }
  }

  private wake(): void {
    if (this.running) return;
    this.running = true;
    setImmediate(() => this.step());
  }

  private step(): void {
    this.dropCancelled();
    this.admit();
    this.evaluate();
    this.release();
    const busy = this.slots.some((s) => s.job) || this.queue.length > 0;
    if (busy) setImmediate(() => this.step());
    else this.running = false;
  }

  private dropCancelled(): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i]!.isCancelled) this.queue.splice(i, 1)[0]!.abandon();
    }
    for (const slot of this.slots) if (slot.job?.isCancelled) slot.job.abandon();
  }

  private admit(): void {
    while (this.queue.length > 0) {
      const job = this.queue[0]!;
      const slot = this.pickSlot(job);
      if (!slot) return;
      this.queue.shift();
      slot.job = job;
      slot.lastUsed = ++this.useCount;
      slot.requests++;
      try {
        job.start(slot.id, slot.cache);
      } catch (err) {
        job.abandon(err as Error);
      }
    }
  }

  private pickSlot(job: SlotJob): Slot | undefined {
    let longest: Slot | undefined;
    let longestKeep = 0;
    let oldest: Slot | undefined;
    for (const slot of this.slots) {
      if (slot.job) continue;
      if (!oldest || slot.lastUsed < oldest.lastUsed) oldest = slot;
      const keep = job.request.cachePrompt ? slot.cache.reusable(job.request.prompt) : 0;
      if (keep > longestKeep && keep * 2 >= slot.cache.tokens.length) {
        longest = slot;
        longestKeep = keep;
      }
    }
    return longest ?? oldest;
  }

  /** One pass for every generating slot's next token and the prompt chunks that fit the budget. */
  private evaluate(): void {
    const rows: { slot: Slot; tokens: number[] }[] = [];
    for (const slot of this.slots) if (slot.job?.state === 'decode') rows.push({ slot, tokens: [slot.job.next] });
    const reading = this.slots.filter((s) => s.job?.state === 'prefill').sort((a, b) => a.job!.remainingPrompt - b.job!.remainingPrompt);
    let budget = Math.min(this.prefillChunk, MAX_STEP_TOKENS - rows.length);
    for (const slot of reading) {
      if (budget < 1) break;
      const tokens = slot.job!.nextChunk(budget);
      if (tokens.length > budget && rows.length > 0) break; // the minimum of two would overrun a full step
      rows.push({ slot, tokens });
      budget -= tokens.length;
    }
    if (rows.length === 0) return;
    let logits: Float32Array;
    try {
      logits = this.model.evalBatch(
        rows.map((r) => r.slot.cache.context),
        rows.map((r) => r.tokens),
      );
    } catch (err) {
      for (const r of rows) r.slot.job!.abandon(err as Error);
      return;
    }
    const v = this.vocabSize;
    rows.forEach((r, i) => this.guard(r.slot, () => r.slot.job!.evaluated(r.tokens, logits.subarray(i * v, (i + 1) * v))));
  }

  private guard(slot: Slot, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      slot.job?.abandon(err as Error);
    }
  }

  private release(): void {
    for (const slot of this.slots) if (slot.job?.state === 'done') slot.job = undefined;
  }
}
