// How big the official model file is: the one figure every message, the chat
// view and the README give (test/model/model-size.test.ts holds them to it).
// No Node imports: the chat webview's script uses it too.

/**
 * About the size of `ggml-model-i2_s.gguf`: 1,179,449,920 bytes of tensor data
 * (docs/model-file.md, Container) plus about 8 MB of header. The exact bytes are
 * not pinned, so a download is judged by the size its own header implies.
 */
export const MODEL_APPROX_BYTES = 1.19e9;

/** "about 1.19 GB" */
export const MODEL_SIZE_TEXT = `about ${(MODEL_APPROX_BYTES / 1e9).toFixed(2)} GB`;

/** The most a model download may write before its GGUF header says the exact size: 5 % above the size. */
export const MODEL_MAX_BYTES = Math.round(MODEL_APPROX_BYTES * 1.05);
