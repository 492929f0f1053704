// A few facts about the model file in use, for the status bar and "Show stats":
// which file, how big, where it lives.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ModelDescription {
  path: string;
  fileName: string;
  folder: string;
  sizeBytes: number;
  /** "1.19 GB" */
  sizeText: string;
  /** Whether this is the copy the extension downloaded (and may delete). */
  downloaded: boolean;
  /** One line for a tooltip or a stats page. */
  summary: string;
}

/** Describes `file`; `downloadedPath` is where the extension's own copy lives. Undefined if the file is gone. */
export function describeModel(file: string, downloadedPath?: string): ModelDescription | undefined {
  let size: number;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return undefined;
    size = st.size;
  } catch {
    return undefined;
  }
  const downloaded = downloadedPath !== undefined && path.resolve(file) === path.resolve(downloadedPath);
  const fileName = path.basename(file);
  const folder = path.dirname(file);
  const sizeText = formatSize(size);
  const where = downloaded ? `downloaded copy in ${folder}` : `from bitnet.modelPath in ${folder}`;
  return { path: file, fileName, folder, sizeBytes: size, sizeText, downloaded, summary: `${fileName} (${sizeText}), ${where}` };
}

export function formatSize(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}
