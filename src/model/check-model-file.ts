// Is this file a model we can load? Plain file checks first (so "no such file"
// reads as such), then the GGUF reader, whose errors already speak to users.
import * as fs from 'node:fs';

export class ModelFileError extends Error {
  override readonly name = 'ModelFileError';
  constructor(
    readonly code: 'MISSING' | 'NOT_A_FILE' | 'UNREADABLE' | 'INVALID',
    message: string,
  ) {
    super(message);
  }
}

/** Reads a model's header and throws a user-facing error if it is not a BitNet b1.58 GGUF. */
export type ModelReader = (file: string) => unknown;

export async function checkModelFile(file: string, read: ModelReader): Promise<void> {
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ModelFileError('MISSING', `The model file ${file} does not exist.`);
    throw new ModelFileError('UNREADABLE', `The model file ${file} cannot be read: ${(err as Error).message}`);
  }
  if (!st.isFile()) throw new ModelFileError('NOT_A_FILE', `${file} is not a file. Choose the .gguf model file itself.`);
  try {
    await fs.promises.access(file, fs.constants.R_OK);
  } catch (err) {
    throw new ModelFileError('UNREADABLE', `The model file ${file} cannot be read: ${(err as Error).message}`);
  }
  try {
    await read(file);
  } catch (err) {
    // The GGUF reader's messages usually name the file already.
    const reason = (err as Error).message;
    throw new ModelFileError('INVALID', reason.includes(file) ? reason : `${file} is not a usable BitNet model: ${reason}`);
  }
}
