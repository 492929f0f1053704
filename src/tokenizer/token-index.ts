// Token bytes → token id, as an open-addressing hash table over the packed
// token bytes the tokenizer keeps anyway. A Map keyed by the 128,256 token
// strings costs about 20 MiB of JS heap in every thread that tokenizes; this
// costs one Int32Array, and a lookup hashes the bytes in place instead of
// building a string.
export class TokenIndex {
  private readonly slots: Int32Array;
  private readonly mask: number;

  /**
   * Indexes tokens whose id `include` accepts; token id → bytes
   * [start[id], start[id + 1]) in `pool`. A byte string shared by two tokens
   * finds the lower id.
   */
  constructor(
    private readonly start: Int32Array,
    private readonly pool: Uint8Array,
    include: (id: number) => boolean,
  ) {
    const count = start.length - 1;
    let size = 16;
    while (size < count * 1.5) size *= 2; // load factor at most 2/3
    this.mask = size - 1;
    this.slots = new Int32Array(size).fill(-1);
    for (let id = 0; id < count; id++) {
      if (include(id)) this.add(id);
    }
  }

  /** The id of the token whose bytes are bytes[0..n), or undefined. */
  find(bytes: Uint8Array, n: number): number | undefined {
    for (let slot = this.home(bytes, n); ; slot = (slot + 1) & this.mask) {
      const id = this.slots[slot];
      if (id === -1) return undefined;
      if (this.equals(id, bytes, n)) return id;
    }
  }

  private add(id: number): void {
    const s = this.start[id];
    const n = this.start[id + 1] - s;
    const bytes = this.pool.subarray(s, s + n);
    for (let slot = this.home(bytes, n); ; slot = (slot + 1) & this.mask) {
      const held = this.slots[slot];
      if (held === -1) {
        this.slots[slot] = id;
        return;
      }
      if (this.equals(held, bytes, n)) return;
    }
  }

  private equals(id: number, bytes: Uint8Array, n: number): boolean {
    const s = this.start[id];
    if (this.start[id + 1] - s !== n) return false;
    for (let i = 0; i < n; i++) if (this.pool[s + i] !== bytes[i]) return false;
    return true;
  }

  /** FNV-1a over the bytes. */
  private home(bytes: Uint8Array, n: number): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < n; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    return (h >>> 0) & this.mask;
  }
}
