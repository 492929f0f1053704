// What counts the chat's tokens: the model file's vocabulary on this machine
// (LocalTokenizer). When there is no model file here because a server
// answers, the server's own tokenizer (`/tokenize`) counts instead, so the
// meter and the context budget still work.
import type { TokenSource } from './engine-port';
import { NoTokenizerError, type LocalTokenizer } from './local-tokenizer';

/** Counts with the server's tokenizer; undefined while the local engine answers. */
export type ServerCount = () => ((text: string) => Promise<number>) | undefined;

export class ChatTokenSource implements TokenSource {
  constructor(
    private readonly local: Pick<LocalTokenizer, 'count' | 'contextLength'>,
    private readonly server: ServerCount,
  ) {}

  get contextLength(): number | undefined {
    return this.local.contextLength;
  }

  async count(text: string): Promise<number> {
    try {
      return await this.local.count(text);
    } catch (err) {
      const ask = this.server();
      if (!(err instanceof NoTokenizerError) || !ask) throw err;
      return ask(text);
    }
  }
}
