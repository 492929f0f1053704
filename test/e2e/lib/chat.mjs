// Talking to the chat webview through its DOM contract: `textarea#input`,
// `button#send`, `button#stop`, and `#messages` holding `.message.user` and
// `.message.assistant` elements.

export async function sendChat(chat, text) {
  await chat.locator('textarea#input').fill(text);
  await chat.locator('button#send').click();
}

/** True when no reply is being generated: Stop is hidden or disabled. */
async function idle(chat) {
  const stop = chat.locator('button#stop');
  return !(await stop.isVisible()) || !(await stop.isEnabled());
}

async function poll(what, fn, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Watches the next assistant message (one that does not exist yet) from
 * inside the webview: every distinct text it shows counts as one update, so
 * a streamed reply shows many and a reply set all at once shows one.
 */
export async function watchReplies(chat) {
  const messages = chat.locator('#messages');
  await messages.waitFor({ timeout: 30_000 });
  const key = await messages.evaluate((el) => {
    const key = `__reply${Date.now()}${Math.random().toString(36).slice(2)}`;
    const baseline = el.querySelectorAll('.message.assistant').length;
    const state = { updates: 0, text: '', firstTextMs: null };
    const start = performance.now();
    new MutationObserver(() => {
      const all = el.querySelectorAll('.message.assistant');
      if (all.length <= baseline) return;
      const text = all[all.length - 1].textContent ?? '';
      if (text === state.text) return;
      state.text = text;
      state.updates++;
      if (state.firstTextMs === null && text.trim()) state.firstTextMs = Math.round(performance.now() - start);
    }).observe(el, { childList: true, subtree: true, characterData: true });
    window[key] = state;
    return key;
  });
  const read = () => messages.evaluate((_el, k) => window[k], key);
  return {
    read,
    async length() {
      return (await read()).text.length;
    },
    finished: () => idle(chat),
    /** Waits until the reply has been seen growing (two or more updates). */
    growing: (timeoutMs = 30_000) => poll('the reply to stream', async () => (await read()).updates >= 2, timeoutMs),
    /** Waits until the reply has text and generation has ended. */
    async done(timeoutMs = 60_000) {
      await poll('the reply to finish', async () => (await read()).text.trim() !== '' && (await idle(chat)), timeoutMs);
      return read();
    },
  };
}
