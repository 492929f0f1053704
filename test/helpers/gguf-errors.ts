// Asserts that reading a GGUF file fails with a given GgufError code and message.
import assert from 'node:assert/strict';
import { GgufError, type GgufErrorCode } from '../../src/model-file/gguf-reader';

export function expectGgufError(fn: () => unknown, code: GgufErrorCode, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof GgufError, `expected a GgufError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, message);
    return true;
  });
}
