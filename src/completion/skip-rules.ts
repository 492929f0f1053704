// When not to offer a completion at all. Checked before any model work.
import { isSensitive } from './sensitive-files';

export interface SkipInput {
  selectionCount: number;
  hasSelection: boolean;
  uriScheme: string;
  fileName: string;
  languageId: string;
  documentLength: number;
  /** `bitnet.inline.enabled` for this document's language. */
  enabled: boolean;
  /** Extra glob patterns from settings (see sensitive-files.ts). */
  sensitivePatterns: readonly string[];
  maxFileSize: number;
}

export type SkipReason =
  | 'disabled'
  | 'multiple-cursors'
  | 'selection'
  | 'scm-input'
  | 'not-a-workspace-file'
  | 'sensitive-file'
  | 'file-too-large'
  /** At the start of a line holding only a block's closer (see block-opener.ts); decided by the completer. */
  | 'before-block-closer';

/**
 * URI schemes of documents that are workspace files. Everything else (settings,
 * output, `git:` and other diff views, the SCM input box) is skipped. A UI-side
 * extension sees remote files as `vscode-remote`, and notebook cells are parts
 * of notebook files.
 */
export const WORKSPACE_SCHEMES: readonly string[] = ['file', 'untitled', 'vscode-remote', 'vscode-notebook-cell'];

/** Each reason as the log and the status say it. */
export const SKIP_REASON_TEXT: Record<SkipReason, string> = {
  disabled: 'inline completion is off for this language',
  'multiple-cursors': 'there are several cursors',
  selection: 'text is selected',
  'scm-input': 'this is the source-control message box',
  'not-a-workspace-file': 'this is not a workspace file',
  'sensitive-file': 'this file may hold secrets',
  'file-too-large': 'the file is larger than bitnet.inline.maxFileSizeKB',
  'before-block-closer': 'the cursor is at the start of a line that holds only a closing bracket',
};

export function skipReason(input: SkipInput): SkipReason | undefined {
  if (!input.enabled) return 'disabled';
  if (input.selectionCount > 1) return 'multiple-cursors';
  if (input.hasSelection) return 'selection';
  if (input.uriScheme === 'vscode-scm') return 'scm-input';
  if (!WORKSPACE_SCHEMES.includes(input.uriScheme)) return 'not-a-workspace-file';
  if (isSensitive(input.fileName, input.sensitivePatterns)) return 'sensitive-file';
  if (input.documentLength > input.maxFileSize) return 'file-too-large';
  return undefined;
}
