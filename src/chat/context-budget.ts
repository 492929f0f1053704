// Fitting a conversation into the chat's context (bitnet.contextSize.chat):
// the oldest turns are dropped first, and room is always kept for the reply.
import type { ChatMessage } from './engine-port';

/** Each message costs its role header ("User: ") and the <|eot_id|> after it. */
export const MESSAGE_OVERHEAD_TOKENS = 4;
/** The prompt starts with <|begin_of_text|> and ends with "Assistant: ". */
export const PROMPT_OVERHEAD_TOKENS = 4;

export interface BudgetTurn {
  id: string;
  role: 'user' | 'assistant';
  text: string;
}

export interface Fit {
  /** System message first, then the turns that fit, oldest first. */
  messages: ChatMessage[];
  /** Turns left out, oldest first. */
  droppedIds: string[];
  /** Tokens of the prompt the model will read. */
  promptTokens: number;
  /** True when even the newest turn alone does not fit. */
  tooLong: boolean;
}

/**
 * Tokens kept free for the reply: the configured reply length, but never more
 * than a quarter of the context, so long replies cannot crowd out history.
 */
export function replyReserve(maxReplyTokens: number, context: number): number {
  return Math.max(1, Math.min(maxReplyTokens, Math.floor(context / 4)));
}

/**
 * An upper bound on the tokens of a prompt made of `texts`, known without a
 * tokenizer: byte-level BPE never makes more tokens than UTF-8 bytes.
 */
export function tokensAtMost(texts: readonly string[]): number {
  const encoder = new TextEncoder();
  return PROMPT_OVERHEAD_TOKENS + texts.reduce((sum, text) => sum + MESSAGE_OVERHEAD_TOKENS + encoder.encode(text).length, 0);
}

/** Counts tokens with the given tokenizer, remembering texts it has seen. */
export class TokenCounter {
  private readonly cache = new Map<string, number>();

  constructor(private readonly count: (text: string) => Promise<number>, private readonly limit = 512) {}

  async tokens(text: string): Promise<number> {
    const known = this.cache.get(text);
    if (known !== undefined) return known;
    const n = await this.count(text);
    if (this.cache.size >= this.limit) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(text, n);
    return n;
  }

  async message(text: string): Promise<number> {
    return MESSAGE_OVERHEAD_TOKENS + (await this.tokens(text));
  }
}

/**
 * Keeps the newest turns whose prompt fits in `budget` tokens. The first kept
 * turn is always a user turn, so the model never sees a reply without its
 * question.
 */
export async function fitToContext(system: string, turns: readonly BudgetTurn[], budget: number, counter: TokenCounter): Promise<Fit> {
  const costs = await Promise.all(turns.map((t) => counter.message(t.text)));
  let total = PROMPT_OVERHEAD_TOKENS + (await counter.message(system)) + costs.reduce((a, b) => a + b, 0);
  let first = 0;
  while (first < turns.length - 1 && (total > budget || turns[first].role === 'assistant')) {
    total -= costs[first];
    first++;
  }
  const kept = turns.slice(first);
  return {
    messages: [{ role: 'system', content: system }, ...kept.map((t) => ({ role: t.role, content: t.text }))],
    droppedIds: turns.slice(0, first).map((t) => t.id),
    promptTokens: total,
    tooLong: total > budget,
  };
}

/** Tokens BitNet adds to every prompt: the system message and the prompt's frame. */
export async function instructionTokens(system: string, counter: TokenCounter): Promise<number> {
  return PROMPT_OVERHEAD_TOKENS + (await counter.message(system));
}

/** Tokens the conversation's turns occupy (the meter's reading). */
export async function conversationTokens(turns: readonly BudgetTurn[], counter: TokenCounter): Promise<number> {
  const costs = await Promise.all(turns.map((t) => counter.message(t.text)));
  return costs.reduce((a, b) => a + b, 0);
}
