// (5) The editor stays responsive while the model generates: keystroke →
// rendered character, measured in the page, while a chat reply streams,
// compared with the same typing when nothing is generating.
import { activeEditor, chatFrame, openChatView, openFile } from '../lib/workbench.mjs';
import { sendChat, watchReplies } from '../lib/chat.mjs';

/**
 * Types `text` and returns the keydown → DOM-change delay of each key, in
 * ms, measured by the page itself (performance.now at keydown, then the first
 * mutation of the editor's lines after it).
 */
async function typingLatencies(page, text) {
  await page.evaluate(() => {
    const lines = document.querySelector('.editor-group-container.active .monaco-editor .view-lines');
    const state = { samples: [], pending: null };
    window.__typing = state;
    window.addEventListener('keydown', () => { state.pending = performance.now(); }, true);
    new MutationObserver(() => {
      if (state.pending === null) return;
      state.samples.push(performance.now() - state.pending);
      state.pending = null;
    }).observe(lines, { childList: true, subtree: true, characterData: true });
  });
  await page.keyboard.type(text, { delay: 60 });
  await page.waitForTimeout(300);
  return page.evaluate(() => window.__typing.samples);
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, median: at(0.5), p90: at(0.9), max: sorted[sorted.length - 1] };
}

const fmt = (s) => `median ${s.median.toFixed(1)} ms, p90 ${s.p90.toFixed(1)} ms, max ${s.max.toFixed(1)} ms (${s.n} keys)`;

export default {
  id: 'responsive',
  profile: 'with-model',
  title: 'typing in the editor is not delayed while a chat reply streams',
  async run({ page, shot, expect, note }) {
    await page.keyboard.press('Escape');
    await openFile(page, 'notes.txt');
    const editor = activeEditor(page);
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+End');
    const idle = stats(await typingLatencies(page, 'idle typing '));
    note(`keystroke → render, idle: ${fmt(idle)}`);

    await openChatView(page);
    const chat = chatFrame(page);
    const reply = await watchReplies(chat);
    await sendChat(chat, 'Write a very long essay about the history of the printing press.');
    await reply.growing();
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+End');
    const busy = stats(await typingLatencies(page, 'typing while the model writes '));
    const stillStreaming = (await reply.length()) > 0 && !(await reply.finished());
    note(`keystroke → render, during a chat reply: ${fmt(busy)}${stillStreaming ? '' : ' (the reply ended during the typing)'}`);
    await shot('typed-during-reply');
    await chat.locator('button#stop').click().catch(() => {});

    expect(busy.n >= 25, `only ${busy.n} of 30 keystrokes were rendered during the reply`);
    // Generous: a stalled UI takes seconds; noise on a shared 2-core machine takes tens of ms.
    expect(busy.median < 250, `typing is delayed during a chat reply: ${fmt(busy)}`);
  },
};
