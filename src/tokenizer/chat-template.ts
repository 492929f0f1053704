// BitNet b1.58 2B4T's chat format, as the model was trained (docs/tokenizer-and-chat.md, Chat format):
//
//   <|begin_of_text|> "System: " content <|eot_id|> "User: " content <|eot_id|> … "Assistant: "
//
// Each role header and each message body is tokenized on its own (never as
// one joined string), bodies are stripped of surrounding whitespace, and the
// special ids are inserted here, which is the only place they come from.
import type { Tokenizer } from './tokenizer';

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface ChatOptions {
  /** End with "Assistant: " so the model writes the next reply. Default true. */
  replyPrompt?: boolean;
}

type ChatTokenizer = Pick<Tokenizer, 'encode' | 'bosId' | 'eotId'>;

const ROLE_HEADER: Record<ChatRole, string> = {
  system: 'System: ',
  user: 'User: ',
  assistant: 'Assistant: ',
};

/**
 * The header of a role. Own properties only: a role such as "constructor" or
 * "__proto__" must not find Object.prototype's members.
 */
function roleHeader(role: unknown): string {
  if (typeof role !== 'string' || !Object.hasOwn(ROLE_HEADER, role)) {
    throw new Error(`unknown chat role "${String(role).slice(0, 40)}" (expected system, user or assistant)`);
  }
  return ROLE_HEADER[role as ChatRole];
}

/** Token ids of a conversation in the training format, ready to prompt the next reply. */
export function chatTokens(tokenizer: ChatTokenizer, messages: readonly ChatMessage[], options: ChatOptions = {}): number[] {
  const ids = [tokenizer.bosId];
  for (const message of messages) {
    const header = roleHeader(message.role);
    // A loop, not push(...ids): a long message would overflow the argument stack.
    for (const part of [tokenizer.encode(header), tokenizer.encode(stripLikePython(message.content))]) {
      for (const id of part) ids.push(id);
    }
    ids.push(tokenizer.eotId);
  }
  if (options.replyPrompt ?? true) for (const id of tokenizer.encode(ROLE_HEADER.assistant)) ids.push(id);
  return ids;
}

/** The same conversation as text, for logs and debugging (not for tokenizing). */
export function chatText(messages: readonly ChatMessage[], options: ChatOptions = {}): string {
  const turns = messages.map((m) => `${roleHeader(m.role)}${stripLikePython(m.content)}<|eot_id|>`);
  return `<|begin_of_text|>${turns.join('')}${options.replyPrompt ?? true ? ROLE_HEADER.assistant : ''}`;
}

// Python's str.strip() (what the reference formatter calls) removes the
// characters str.isspace() accepts; JavaScript's trim() differs on U+001C-1F,
// U+0085 and U+FEFF, so the set is spelled out. A scan from each end, not a
// regex: `\s+$` retries every run of spaces inside the text and is quadratic.
const PY_SPACE = /[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

export function stripLikePython(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && PY_SPACE.test(text[start]!)) start++;
  while (end > start && PY_SPACE.test(text[end - 1]!)) end--;
  return text.slice(start, end);
}
