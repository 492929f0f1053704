// IEEE half-precision conversions for the reference model (Node 20 has no
// Math.f16round). Narrowing rounds to nearest, ties to even.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

export function f32ToF16(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    return sign | roundShift(m, shift);
  }
  return sign | ((e << 10) + roundShift(mant, 13));
}

/** (m >> shift) rounded to nearest, ties to even; a carry may bump the exponent. */
function roundShift(m: number, shift: number): number {
  const half = 2 ** (shift - 1);
  const q = Math.floor(m / 2 ** shift);
  const rest = m - q * 2 ** shift;
  return rest > half || (rest === half && q % 2 === 1) ? q + 1 : q;
}

/** Rounds a float through F16 and back. */
export function roundF16(value: number): number {
  return f16ToF32(f32ToF16(value));
}
