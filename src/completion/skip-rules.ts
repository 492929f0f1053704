// When not to offer a completion at all. Checked before any model work.

export interface SkipInput {
  selectionCount: number;
  hasSelection: boolean;
  uriScheme: string;
  fileName: string;
  languageId: string;
  documentLength: number;
  /** `bitnet.inline.enabled` for this document's language. */
  enabled: boolean;
  /** Extra glob patterns (on the file's base name) from settings. */
  sensitivePatterns: readonly string[];
  maxFileSize: number;
}

export type SkipReason =
  | 'disabled'
  | 'multiple-cursors'
  | 'selection'
  | 'scm-input'
  | 'sensitive-file'
  | 'file-too-large';

/** Files that may hold secrets: we never send their text to a model. */
export const SENSITIVE_FILES: readonly string[] = [
  '.env', '.env.*', '*.env', '*.pem', '*.key', '*.p12', '*.pfx', '*.keystore', '*.jks',
  'id_rsa*', 'id_dsa*', 'id_ecdsa*', 'id_ed25519*', '.npmrc', '.pypirc', '.netrc', '.git-credentials',
  'credentials', 'credentials.*', 'secrets.*', '*.secret', '*.secrets',
];

export function skipReason(input: SkipInput): SkipReason | undefined {
  if (!input.enabled) return 'disabled';
  if (input.selectionCount > 1) return 'multiple-cursors';
  if (input.hasSelection) return 'selection';
  if (input.uriScheme === 'vscode-scm') return 'scm-input';
  if (isSensitive(input.fileName, input.sensitivePatterns)) return 'sensitive-file';
  if (input.documentLength > input.maxFileSize) return 'file-too-large';
  return undefined;
}

export function isSensitive(fileName: string, extra: readonly string[] = []): boolean {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return [...SENSITIVE_FILES, ...extra].some((pattern) => globToRegExp(pattern).test(base));
}

/** A base-name glob with `*` and `?`, matched case-insensitively. */
function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}
