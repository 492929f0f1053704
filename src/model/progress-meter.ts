// Turns a stream of byte counts into what a progress bar shows: done/total,
// speed and time left. Speed is averaged over a sliding window so that one
// slow chunk does not make the ETA jump around.

export interface DownloadProgress {
  /** Bytes of the file on disk so far, including a resumed part. */
  bytesDone: number;
  /** Size of the whole file, when the server said. */
  totalBytes: number | undefined;
  /** Bytes per second over the last few seconds (0 until measurable). */
  bytesPerSecond: number;
  /** Seconds left at the current speed, when both total and speed are known. */
  etaSeconds: number | undefined;
}

const WINDOW_MS = 5000;

export class ProgressMeter {
  private samples: { t: number; bytes: number }[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Records the byte count now; call on every chunk. */
  sample(bytesDone: number, totalBytes: number | undefined): DownloadProgress {
    const t = this.now();
    this.samples.push({ t, bytes: bytesDone });
    while (this.samples.length > 2 && t - this.samples[0].t > WINDOW_MS) this.samples.shift();
    const first = this.samples[0];
    const elapsed = (t - first.t) / 1000;
    const bytesPerSecond = elapsed > 0 ? Math.max(0, (bytesDone - first.bytes) / elapsed) : 0;
    const etaSeconds =
      totalBytes !== undefined && bytesPerSecond > 0 ? Math.max(0, (totalBytes - bytesDone) / bytesPerSecond) : undefined;
    return { bytesDone, totalBytes, bytesPerSecond, etaSeconds };
  }

  /** Forgets the speed history, e.g. when a transfer restarts from zero. */
  reset(): void {
    this.samples = [];
  }
}

/** "412.3 MB of 1,190.0 MB · 8.4 MB/s · 1 min 33 s left" — the line the notification shows. */
export function formatProgress(p: DownloadProgress): string {
  const parts = [p.totalBytes !== undefined ? `${formatMB(p.bytesDone)} of ${formatMB(p.totalBytes)}` : formatMB(p.bytesDone)];
  if (p.bytesPerSecond > 0) parts.push(`${(p.bytesPerSecond / 1e6).toFixed(1)} MB/s`);
  if (p.etaSeconds !== undefined) parts.push(`${formatDuration(p.etaSeconds)} left`);
  return parts.join(' · ');
}

export function formatMB(bytes: number): string {
  return `${(bytes / 1e6).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} MB`;
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
