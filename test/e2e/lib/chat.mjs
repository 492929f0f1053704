// Talking to the chat webview through its DOM contract: `textarea#input`,
// `button#send`, `button#stop`, `button#new-chat`, and `#messages` holding
// `.message.user` and `.message.assistant` elements. Waits are sized for an
// idle machine and stretched by patience() on a busy one.
import { patience } from './patience.mjs';

export async function sendChat(chat, text) {
  await chat.locator('textarea#input').fill(text);
  await chat.locator('button#send').click();
}

/** True while a reply is being generated: Stop is shown and enabled. */
async function generating(chat) {
  const stop = chat.locator('button#stop');
  return (await stop.isVisible()) && (await stop.isEnabled());
}

/**
 * How long Stop may take to end a reply. Not a speed check (the scenarios
 * measure and print it): with the tiny test model writing hundreds of tokens a
 * second, the webview can be seconds of updates behind the engine on a busy
 * machine, and Stop shows as done only once it has caught up.
 */
const STOP_MS = 60_000;

/** Calls `fn` until it returns something truthy, for `timeoutMs` (stretched by patience()). */
async function poll(what, fn, timeoutMs) {
  const waitMs = patience(timeoutMs);
  const deadline = Date.now() + waitMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${(waitMs / 1000).toFixed(0)} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Watches the next assistant message (one that does not exist yet) from
 * inside the webview: every distinct text it shows counts as one update, so
 * a streamed reply shows many and a reply set all at once shows one.
 */
export async function watchReply(chat) {
  const messages = chat.locator('#messages');
  await messages.waitFor({ timeout: patience(30_000) });
  const key = await messages.evaluate((el) => {
    const key = `__reply${Date.now()}${Math.random().toString(36).slice(2)}`;
    const baseline = el.querySelectorAll('.message.assistant').length;
    const state = { updates: 0, text: '', firstTextMs: null, appeared: false };
    const start = performance.now();
    new MutationObserver(() => {
      const all = el.querySelectorAll('.message.assistant');
      if (all.length <= baseline) return;
      state.appeared = true;
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
    /** { updates, text, firstTextMs, appeared } so far. */
    read,
    async length() {
      return (await read()).text.length;
    },
    generating: () => generating(chat),
    /**
     * Waits until the reply has shown text, or has ended without any (the
     * tiny test model can end its turn at once): for scenarios that need
     * only the question in the conversation.
     */
    async startedOrEnded(timeoutMs = 30_000) {
      let endedLooks = 0;
      await poll('the reply to start or end', async () => {
        const r = await read();
        if (r.updates > 0 && r.text.trim() !== '') return true;
        // Ended: the reply is there and Stop is gone, seen twice in a row (not a moment between two renders).
        endedLooks = r.appeared && !(await generating(chat)) ? endedLooks + 1 : 0;
        return endedLooks >= 2;
      }, timeoutMs);
      return read();
    },
    /** Waits until the reply has been seen growing: `updates` distinct non-empty texts. */
    async streaming(updates = 3, timeoutMs = 30_000) {
      await poll(`the reply to stream (${updates} updates)`, async () => {
        const r = await read();
        if (r.updates >= updates && r.text.trim() !== '') return true;
        // A reply that has ended will not grow: say so now, not after the timeout.
        if (r.updates > 0 && !(await generating(chat)) && (await read()).updates < updates) {
          throw new Error(`the reply ended on its own after ${r.updates} update(s), ${r.text.length} characters`);
        }
        return false;
      }, timeoutMs);
      return read();
    },
    /**
     * Presses Stop and returns text lengths: atClick, atStop (when Stop went
     * away) and after (`settleMs` later); and endedMs, from the click until
     * Stop went away. `endedOnItsOwn` when the reply ended before Stop could
     * be clicked (the tiny model can sample an end of turn).
     */
    async stop(settleMs = 1000) {
      const atClick = await this.length();
      if (!(await clickStop(chat))) return { endedOnItsOwn: true, atClick, atStop: atClick, after: atClick, endedMs: 0 };
      const clicked = Date.now();
      await poll('generation to end after Stop', async () => !(await generating(chat)), STOP_MS);
      const endedMs = Date.now() - clicked;
      const atStop = await this.length();
      await new Promise((r) => setTimeout(r, settleMs));
      return { atClick, atStop, after: await this.length(), endedMs };
    },
  };
}

/** Presses New chat and waits until the conversation shows no messages. */
export async function startNewChat(chat) {
  await chat.locator('button#new-chat').click();
  await poll('the conversation to clear after New chat', async () => (await chat.locator('#messages .message').count()) === 0, STOP_MS);
}

/**
 * Clicks Stop; false when the reply ended on its own between the look and
 * the click, so Stop was gone before it could be clicked.
 */
async function clickStop(chat) {
  try {
    await chat.locator('button#stop').click({ timeout: patience(5_000) });
    return true;
  } catch (err) {
    if (await generating(chat)) throw err;
    return false;
  }
}

/** Presses Stop if a reply is being generated, and waits for it to end. */
export async function stopIfGenerating(chat) {
  if (!(await generating(chat))) return;
  if (!(await clickStop(chat))) return;
  await poll('generation to end after Stop', async () => !(await generating(chat)), STOP_MS);
}

/** Starts a new, empty conversation and waits until the view shows it. */
export async function newChat(chat) {
  await stopIfGenerating(chat);
  await chat.locator('button#new-chat').click();
  await chat.locator('#empty-state').waitFor({ timeout: 10_000 });
}

/** Sends a message, waits until the reply has started, then stops it (if it has not ended on its own). */
export async function askAndStop(chat, text) {
  const reply = await watchReply(chat);
  await sendChat(chat, text);
  await chat.locator('.message.user', { hasText: text.split('\n')[0] }).last().waitFor();
  await reply.startedOrEnded();
  await stopIfGenerating(chat);
}

/** Opens the History list (if closed) and returns its rows' titles, newest first. */
export async function historyTitles(chat) {
  const toggle = chat.locator('button#history-toggle');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await chat.locator('#history').waitFor();
  return chat.locator('#conversation-list .conversation-title').allTextContents();
}

/** A row of the History list by its title. */
export function historyRow(chat, title) {
  return chat.locator('#conversation-list .conversation', { has: chat.locator('.conversation-title', { hasText: title }) });
}
