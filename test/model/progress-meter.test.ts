import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressMeter, formatDuration, formatProgress } from '../../src/model/progress-meter';

test('speed and time left come from the bytes of the last few seconds', () => {
  let now = 0;
  const meter = new ProgressMeter(() => now);
  assert.deepEqual(meter.sample(0, 100e6), { bytesDone: 0, totalBytes: 100e6, bytesPerSecond: 0, etaSeconds: undefined });
  now = 1000;
  const p = meter.sample(10e6, 100e6);
  assert.equal(p.bytesPerSecond, 10e6);
  assert.equal(p.etaSeconds, 9);
  // A long-past slow start no longer drags the speed down.
  now = 10_000;
  meter.sample(20e6, 100e6);
  now = 11_000;
  const later = meter.sample(40e6, 100e6);
  assert.equal(later.bytesPerSecond, 20e6);
  assert.equal(later.etaSeconds, 3);
});

test('without a total there is a speed but no time left', () => {
  let now = 0;
  const meter = new ProgressMeter(() => now);
  meter.sample(0, undefined);
  now = 2000;
  const p = meter.sample(4e6, undefined);
  assert.equal(p.bytesPerSecond, 2e6);
  assert.equal(p.etaSeconds, undefined);
});

test('the progress line shows MB done of total, speed and time left', () => {
  assert.equal(
    formatProgress({ bytesDone: 412_300_000, totalBytes: 1_190_000_000, bytesPerSecond: 8_400_000, etaSeconds: 92.6 }),
    '412.3 MB of 1,190.0 MB · 8.4 MB/s · 1 min 33 s left',
  );
  assert.equal(formatProgress({ bytesDone: 0, totalBytes: undefined, bytesPerSecond: 0, etaSeconds: undefined }), '0.0 MB');
  assert.equal(formatDuration(3 * 3600 + 125), '3 h 2 min');
});
