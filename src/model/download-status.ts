// What a model download is doing between the bytes (connecting, waiting to
// try again, checking the file) and the line the notification shows for it.

export type DownloadStatus =
  | { kind: 'connecting'; host: string; attempt: number; maxAttempts: number }
  | { kind: 'retrying'; host: string; attempt: number; maxAttempts: number; inSeconds: number; reason: string }
  | { kind: 'checking' };

/** "connecting to huggingface.co… try 2 of 5" and the like. */
export function statusText(status: DownloadStatus): string {
  switch (status.kind) {
    case 'connecting':
      return `connecting to ${status.host}…${status.attempt > 1 ? ` try ${status.attempt} of ${status.maxAttempts}` : ''}`;
    case 'retrying':
      return `${status.reason} Trying again in ${status.inSeconds} s (try ${status.attempt} of ${status.maxAttempts}).`;
    case 'checking':
      return 'checking the downloaded file…';
  }
}
