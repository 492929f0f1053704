// A small seeded PRNG (xorshift128) for making model files: fast enough to
// fill a gigabyte in about a second, and the same seed gives the same bytes on
// every machine.

export class Xorshift128 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // splitmix32 spreads any seed (0 included) over the four state words.
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next() | 1;
  }

  nextU32(): number {
    let t = this.d;
    const s = this.a;
    this.d = this.c;
    this.c = this.b;
    this.b = s;
    t ^= t << 11;
    t ^= t >>> 8;
    this.a = (t ^ s ^ (s >>> 19)) >>> 0;
    return this.a;
  }

  /** A float in [0, 1). */
  nextFloat(): number {
    return this.nextU32() / 4294967296;
  }

  fill(out: Uint32Array): void {
    let a = this.a;
    let b = this.b;
    let c = this.c;
    let d = this.d;
    for (let i = 0; i < out.length; i++) {
      let t = d;
      d = c;
      c = b;
      b = a;
      t ^= t << 11;
      t ^= t >>> 8;
      a = (t ^ a ^ (a >>> 19)) >>> 0;
      out[i] = a;
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }
}
