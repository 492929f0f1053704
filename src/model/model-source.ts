// Where the official model file comes from and what it should hash to.

export const DEFAULT_ENDPOINT = 'https://huggingface.co';
export const MODEL_REPO = 'microsoft/bitnet-b1.58-2B-4T-gguf';
export const MODEL_FILE = 'ggml-model-i2_s.gguf';

/**
 * SHA-256 of the official `ggml-model-i2_s.gguf`. This value comes from a
 * third-party report (BitNet issue #588) and has not been checked against the
 * Hugging Face LFS pointer; the `bitnet.download.sha256` setting overrides it
 * (empty there means "use this one").
 */
export const DEFAULT_SHA256 = '4221b252fdd5fd25e15847adfeb5ee88886506ba50b8a34548374492884c2162';

/**
 * The endpoint to download from: the setting, else `HF_ENDPOINT` (the variable
 * Hugging Face's own tools read for mirrors), else the hub. No trailing slash.
 */
export function resolveEndpoint(setting: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const raw = (setting ?? '').trim() || (env.HF_ENDPOINT ?? '').trim() || DEFAULT_ENDPOINT;
  return raw.replace(/\/+$/, '');
}

/** The `resolve/main` URL of the model file on an endpoint. */
export function modelUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/${MODEL_REPO}/resolve/main/${MODEL_FILE}`;
}

/** The expected hash: the setting if it is a SHA-256, "" or unset for the default, "none" to skip the check. */
export function resolveSha256(setting: string | undefined): string | undefined {
  const s = (setting ?? '').trim().toLowerCase();
  if (s === '') return DEFAULT_SHA256;
  if (s === 'none') return undefined;
  if (!/^[0-9a-f]{64}$/.test(s)) {
    throw new Error(`The "bitnet.download.sha256" setting must be 64 hexadecimal digits, "none", or empty (got "${setting}").`);
  }
  return s;
}
