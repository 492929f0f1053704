import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SHA256, modelUrl, resolveEndpoint, resolveSha256 } from '../../src/model/model-source';

test('the model URL is the resolve/main path of the official repository on the endpoint', () => {
  assert.equal(
    modelUrl(resolveEndpoint('', {})),
    'https://huggingface.co/microsoft/bitnet-b1.58-2B-4T-gguf/resolve/main/ggml-model-i2_s.gguf',
  );
  assert.equal(modelUrl('https://mirror.example/'), 'https://mirror.example/microsoft/bitnet-b1.58-2B-4T-gguf/resolve/main/ggml-model-i2_s.gguf');
});

test('the endpoint setting wins over HF_ENDPOINT, which wins over the hub', () => {
  assert.equal(resolveEndpoint('https://a.example/', { HF_ENDPOINT: 'https://b.example' }), 'https://a.example');
  assert.equal(resolveEndpoint('  ', { HF_ENDPOINT: 'https://b.example' }), 'https://b.example');
  assert.equal(resolveEndpoint(undefined, {}), 'https://huggingface.co');
});

test('the expected hash is the pinned default unless the setting gives another or "none"', () => {
  assert.equal(resolveSha256(''), DEFAULT_SHA256);
  assert.equal(resolveSha256('AB'.repeat(32)), 'ab'.repeat(32));
  assert.equal(resolveSha256('none'), undefined);
  assert.throws(() => resolveSha256('1234'), /64 hexadecimal digits/);
});
