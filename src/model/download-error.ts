// One error type for every way a model download can fail, each with a message
// a user can act on. The UI shows `message` as is; `code` lets callers decide
// (retry, offer "Use a local file…", stay quiet on cancel).

export type DownloadErrorCode =
  | 'UNAUTHORIZED' // 401: the mirror wants a token, or the token is wrong
  | 'FORBIDDEN' // 403: the token has no access (gated repository, licence not accepted)
  | 'NOT_FOUND' // 404: wrong endpoint, repository or file name
  | 'HTTP' // any other non-success status
  | 'TOO_MANY_REDIRECTS'
  | 'DNS' // the host name does not resolve (offline, typo in the endpoint)
  | 'NETWORK' // connection refused or reset, body cut short
  | 'TIMEOUT' // no connection, or no data for too long
  | 'DISK_FULL'
  | 'FILE' // another file-system error (permissions, read-only folder)
  | 'SIZE' // the file on disk is not the size the server announced
  | 'CHECKSUM' // the SHA-256 of the file is not the pinned one
  | 'NOT_MODEL' // the bytes are not a model we can load (a web page, a cut file, another format)
  | 'INSECURE' // an https download was redirected to plain http
  | 'SLOW' // the transfer stayed below the minimum rate
  | 'CANCELLED'
  | 'BUSY'; // another VS Code window is downloading the same file

export class DownloadError extends Error {
  override readonly name = 'DownloadError';

  constructor(
    readonly code: DownloadErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }

  /** Worth another attempt with Range resume: the network hiccupped, nothing is wrong with the request. */
  get transient(): boolean {
    return (
      this.code === 'NETWORK' || this.code === 'TIMEOUT' || this.code === 'SLOW' || (this.code === 'HTTP' && (this.status ?? 0) >= 500)
    );
  }
}

/** The error for an HTTP status that is not success or redirect. */
export function httpStatusError(status: number, url: string): DownloadError {
  const host = safeHost(url);
  switch (status) {
    case 401:
      return new DownloadError(
        'UNAUTHORIZED',
        `${host} refused the download (401 Unauthorized). If this mirror needs a token, set one with "BitNet: Set download token…".`,
        status,
      );
    case 403:
      return new DownloadError(
        'FORBIDDEN',
        `${host} refused the download (403 Forbidden). Check that your token has access to the model repository.`,
        status,
      );
    case 404:
      return new DownloadError(
        'NOT_FOUND',
        `The model file was not found at ${url} (404). Check the "bitnet.download.endpoint" setting.`,
        status,
      );
    default:
      return new DownloadError('HTTP', `${host} answered ${status} to the download request.`, status);
  }
}

/** Maps a Node socket or file-system error to a DownloadError with a plain message. */
export function fromSystemError(err: unknown, url: string, file: string): DownloadError {
  if (err instanceof DownloadError) return err;
  const e = err as NodeJS.ErrnoException;
  const host = safeHost(url);
  switch (e.code) {
    case 'ENOTFOUND':
      return new DownloadError('DNS', `Could not find the host ${host}. Check your internet connection, proxy and the "bitnet.download.endpoint" setting.`);
    case 'EAI_AGAIN':
      // No answer from DNS at all (offline, or the network is still coming up): worth another try.
      return new DownloadError('NETWORK', `Could not look up ${host}: no answer from DNS. Check your internet connection.`);
    case 'ECONNREFUSED':
      return new DownloadError('NETWORK', `${host} refused the connection. Check your internet connection and proxy settings.`);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return new DownloadError('NETWORK', `The connection to ${host} was cut. The download will resume where it stopped.`);
    case 'ETIMEDOUT':
      return new DownloadError('TIMEOUT', `The connection to ${host} timed out.`);
    case 'ENOSPC':
    case 'EDQUOT':
      return new DownloadError('DISK_FULL', `The disk is full: could not write ${file}. Free some space and try again.`);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new DownloadError('FILE', `Could not write ${file}: ${e.message}`);
    default:
      return new DownloadError('NETWORK', `The download from ${host} failed: ${e.message ?? String(err)}`);
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
