// Runs the server's requests on its slots, one small step at a time with a
// turn of the event loop between steps (so new requests and disconnects
// arrive). Each step decodes one token for every slot that is generating,
// in one batched pass over the weights, then reads up to `prefillChunk`
// prompt tokens, fewest-left first: every user's next keystroke (a few new
// tokens after a cached prefix) is read in the same step, so those users
// decode together from the next step on, and none waits behind someone's
// cold file. A request goes to the idle slot whose cache shares the longest
// prefix with it, else to the one idle longest.
import type { NativeModel } from '../../native';
import type { SlotCache } from './slot-cache';
import type { SlotJob } from './slot-job';

interface Slot {
  id: number;
  cache: SlotCache;
  job: SlotJob | undefined;
  lastUsed: number;
}

export interface SlotInfo {
  id: number;
  capacity: number;
  /** Tokens in the slot's KV cache. */
  cachedTokens: number;
  processing: boolean;
}

export class SlotScheduler {
  private readonly slots: Slot[];
  private readonly queue: SlotJob[] = [];
  private running = false;
  private useCount = 0;

  constructor(
    private readonly model: Pick<NativeModel, 'decodeBatch'>,
    caches: SlotCache[],
    private readonly vocabSize: number,
    /** Prompt tokens read per step, over all slots: smaller lets generating slots' tokens through sooner. */
    private readonly prefillChunk: number,
  ) {
    this.slots = caches.map((cache, id) => ({ id, cache, job: undefined, lastUsed: 0 }));
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
    return this.slots.map((s) => ({ id: s.id, capacity: s.cache.capacity, cachedTokens: s.cache.tokens.length, processing: s.job !== undefined }));
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
    this.decode();
    this.prefill();
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
      try {
        job.start(slot.id, slot.cache);
      } catch (err) {
        job.abandon(err as Error);
      }
    }
  }

  private pickSlot(job: SlotJob): Slot | undefined {
    let best: Slot | undefined;
    let bestKeep = -1;
    for (const slot of this.slots) {
      if (slot.job) continue;
      const keep = job.request.cachePrompt ? slot.cache.reusable(job.request.prompt) : 0;
      if (keep > bestKeep || (keep === bestKeep && slot.lastUsed < best!.lastUsed)) {
        best = slot;
        bestKeep = keep;
      }
    }
    return best;
  }

  private decode(): void {
    const rows = this.slots.filter((s) => s.job?.state === 'decode');
    if (rows.length === 0) return;
    let logits: Float32Array;
    try {
      logits = this.model.decodeBatch(
        rows.map((s) => s.cache.context),
        rows.map((s) => s.job!.next),
      );
    } catch (err) {
      for (const s of rows) s.job!.abandon(err as Error);
      return;
    }
    const v = this.vocabSize;
    rows.forEach((s, i) => this.guard(s, () => s.job!.decoded(logits.subarray(i * v, (i + 1) * v))));
  }

  private prefill(): void {
    const waiting = this.slots.filter((s) => s.job?.state === 'prefill').sort((a, b) => a.job!.remainingPrompt - b.job!.remainingPrompt);
    let budget = this.prefillChunk;
    for (const slot of waiting) {
      if (budget <= 0) return;
      this.guard(slot, () => (budget -= slot.job!.prefill(budget)));
    }
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
