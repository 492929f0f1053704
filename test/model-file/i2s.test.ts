import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packI2S, unpackI2S } from '../../src/model-file/i2s';

test('I2_S packs the worked example of docs/model-file.md into 0x92, 0x00, 0x55 and 0xAA bytes', () => {
  const t = new Int8Array(128);
  t[0] = 1; t[32] = 0; t[64] = -1; t[96] = 1;
  t[1] = -1; t[33] = -1; t[65] = -1; t[97] = -1;
  t[3] = 1; t[35] = 1; t[67] = 1; t[99] = 1;
  const packed = packI2S(t, 1.5);
  assert.equal(packed.length, 32 + 32);
  assert.equal(packed[0], 0x92);
  assert.equal(packed[1], 0x00);
  assert.equal(packed[2], 0x55);
  assert.equal(packed[3], 0xaa);
  assert.equal(new DataView(packed.buffer).getFloat32(32, true), 1.5);
  assert.deepEqual([...packed.subarray(36)], new Array(28).fill(0));
});

test('a 2560×2560 I2_S tensor is 1,638,432 bytes: codes, scale, and 28 spare bytes', () => {
  assert.equal(packI2S(new Int8Array(2560 * 2560), 1).length, 1_638_432);
});

test('I2_S unpacking returns the weights and scale that were packed', () => {
  const t = new Int8Array(128 * 6);
  for (let i = 0; i < t.length; i++) t[i] = ((i * 7919) % 3) - 1;
  const { ternary, scale } = unpackI2S(packI2S(t, 2.75), t.length);
  assert.deepEqual(ternary, t);
  assert.equal(scale, 2.75);
});

test('I2_S rejects weights outside -1..1 and lengths that are not whole blocks', () => {
  assert.throws(() => packI2S(Int8Array.of(...new Array(128).fill(2)), 1), /must be -1, 0 or \+1/);
  assert.throws(() => packI2S(new Int8Array(100), 1), /multiple of 128/);
});
