// The BPE merge list as an open-addressing hash table keyed by the pair of
// token ids: find(left, right) is a few integer operations and allocates
// nothing, which matters because encode asks it for every adjacent pair.
export class MergeTable {
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly rank: Int32Array;
  readonly result: Int32Array;
  private readonly mask: number;

  constructor(capacity: number) {
    let size = 16;
    while (size < capacity * 1.5) size *= 2; // load factor at most 2/3
    this.mask = size - 1;
    this.left = new Int32Array(size).fill(-1);
    this.right = new Int32Array(size);
    this.rank = new Int32Array(size);
    this.result = new Int32Array(size);
  }

  /** Adds a merge; a pair already present keeps its earlier (better) rank. */
  add(left: number, right: number, rank: number, result: number): void {
    let slot = this.home(left, right);
    while (this.left[slot] !== -1) {
      if (this.left[slot] === left && this.right[slot] === right) return;
      slot = (slot + 1) & this.mask;
    }
    this.left[slot] = left;
    this.right[slot] = right;
    this.rank[slot] = rank;
    this.result[slot] = result;
  }

  /** The slot holding the pair, or -1 when the two tokens never merge. */
  find(left: number, right: number): number {
    let slot = this.home(left, right);
    for (;;) {
      const l = this.left[slot];
      if (l === left && this.right[slot] === right) return slot;
      if (l === -1) return -1;
      slot = (slot + 1) & this.mask;
    }
  }

  private home(left: number, right: number): number {
    return (Math.imul(left, 0x9e3779b1) ^ Math.imul(right + 0x7f4a7c15, 0x85ebca6b)) >>> 0 & this.mask;
  }
}
