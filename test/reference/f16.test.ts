import { test } from 'node:test';
import assert from 'node:assert/strict';
import { f16ToF32, f32ToF16 } from './f16';

test('known half-precision values convert both ways', () => {
  const cases: [number, number][] = [[0, 0x0000], [1, 0x3c00], [-2, 0xc000], [65504, 0x7bff], [2 ** -24, 0x0001], [0.333251953125, 0x3555]];
  for (const [value, bits] of cases) {
    assert.equal(f32ToF16(value), bits, `f32ToF16(${value})`);
    assert.equal(f16ToF32(bits), value, `f16ToF32(${bits})`);
  }
});

test('narrowing rounds ties to even and overflows to infinity', () => {
  assert.equal(f32ToF16(1 + 2 ** -11), 0x3c00); // tie, even stays
  assert.equal(f32ToF16(1 + 3 * 2 ** -11), 0x3c02); // tie, odd rounds up
  assert.equal(f32ToF16(1e6), 0x7c00);
  assert.ok(Number.isNaN(f16ToF32(f32ToF16(NaN))));
});

test('every half value survives a round trip through float', () => {
  for (let h = 0; h < 0x10000; h++) {
    const exp = (h >> 10) & 0x1f;
    if (exp === 31 && (h & 0x3ff)) continue; // NaN payloads
    assert.equal(f32ToF16(f16ToF32(h)), h);
  }
});
