// The one error type the GGUF reader and the BitNet model check throw. Every
// message is meant for a user: it says what is wrong with which file and,
// where it can, what to do about it.

export type GgufErrorCode =
  | 'NOT_GGUF'
  | 'UNSUPPORTED_VERSION'
  | 'TRUNCATED'
  | 'CORRUPT'
  | 'WRONG_ARCHITECTURE'
  | 'MISSING_TENSOR'
  | 'BAD_TENSOR'
  | 'IO';

export class GgufError extends Error {
  override readonly name = 'GgufError';

  constructor(
    readonly code: GgufErrorCode,
    message: string,
  ) {
    super(message);
  }
}
