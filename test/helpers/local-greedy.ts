// What the local engine generates, greedily, for a prompt's tokens: the
// reference the server's answers are held to.
import { tinyEngine } from './tiny-engine';

export function localGreedy(prompt: number[], maxTokens: number): string {
  const { model, tokenizer } = tinyEngine();
  const ctx = model.createContext(512);
  try {
    let logits = ctx.eval(prompt);
    const decoder = tokenizer.streamDecoder();
    let text = '';
    for (let i = 0; i < maxTokens; i++) {
      let best = 0;
      for (let t = 1; t < logits.length; t++) if (logits[t]! > logits[best]!) best = t;
      if (tokenizer.isEndOfGeneration(best)) break;
      text += decoder.push(best);
      if (i + 1 < maxTokens) logits = ctx.eval([best]);
    }
    return text + decoder.flush();
  } finally {
    ctx.free();
  }
}
