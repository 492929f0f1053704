// (5) The editor stays responsive while the model generates: keystroke →
// rendered character, measured in the page, while a chat reply streams,
// next to the same typing when nothing is generating.
import { activeEditor, chatFrame, editorText, openChatView, openFile } from '../lib/workbench.mjs';
import { sendChat, stopIfGenerating, watchReply } from '../lib/chat.mjs';
import { patience } from '../lib/patience.mjs';

/**
 * Types `text` into the focused editor and returns, per key, the delay from
 * keydown to the next change of the editor's rendered lines (ms), measured
 * in the page with performance.now(). Keys waiting on the same render all
 * get that render's time.
 */
async function typingLatencies(page, text) {
  await page.evaluate(() => {
    const lines = document.querySelector('.editor-group-container.active .monaco-editor .view-lines');
    const state = { samples: [], pending: [] };
    const onKey = () => { state.pending.push(performance.now()); };
    window.addEventListener('keydown', onKey, true);
    const observer = new MutationObserver(() => {
      const now = performance.now();
      for (const t of state.pending) state.samples.push(now - t);
      state.pending = [];
    });
    observer.observe(lines, { childList: true, subtree: true, characterData: true });
    window.__typing = { state, stop: () => { observer.disconnect(); window.removeEventListener('keydown', onKey, true); } };
  });
  await page.keyboard.type(text, { delay: 60 });
  // Until the last key has rendered (a key that never renders stays pending and is not counted).
  await page.waitForFunction(() => window.__typing.state.pending.length === 0, null, { timeout: patience(1_000) }).catch(() => {});
  return page.evaluate(() => {
    window.__typing.stop();
    return window.__typing.state.samples;
  });
}

function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { n: sorted.length, median: at(0.5), p90: at(0.9), max: sorted[sorted.length - 1] ?? NaN };
}

const fmt = (s) => `median ${s.median.toFixed(1)} ms, p90 ${s.p90.toFixed(1)} ms, max ${s.max.toFixed(1)} ms over ${s.n} keys`;

export default {
  id: 'responsive',
  profile: 'with-model',
  title: 'typing in the editor is not delayed while a chat reply streams',
  async run({ page, shot, expect, note, measure }) {
    // Types at the end of notes.txt; Quick Open only when it is not already
    // the active editor, so typing starts soon after a reply does.
    const typeInNotes = async (text) => {
      if (!(await page.locator('.tab.active[aria-label^="notes.txt"]').isVisible())) await openFile(page, 'notes.txt');
      await activeEditor(page).locator('.view-lines').click();
      await page.keyboard.press('Control+End');
      return summary(await typingLatencies(page, text));
    };
    const idle = await typeInNotes('typing while idle, ');
    note(`keystroke → render, idle: ${fmt(idle)}`);

    await openChatView(page);
    const chat = chatFrame(page);
    const busyText = 'typing during a reply, ';
    // The tiny test model writes fast: a reply that ends before the typing
    // does measured nothing under load, so it is tried again with a new one.
    let busy, stillGenerating = false;
    for (let attempt = 1; attempt <= 3 && !stillGenerating; attempt++) {
      await stopIfGenerating(chat);
      const reply = await watchReply(chat);
      await sendChat(chat, 'Write a very long essay about the history of the printing press.');
      const started = await reply.streaming(2).then(() => true, (err) => (note(`try ${attempt}: ${err.message}`), false));
      if (!started) continue;
      busy = await typeInNotes(busyText);
      stillGenerating = await reply.generating();
      note(`keystroke → render, during a chat reply (try ${attempt}): ${fmt(busy)}${stillGenerating ? '' : ' (the reply ended while typing)'}`);
    }
    await shot('typed-during-reply');
    await stopIfGenerating(chat);
    expect(stillGenerating, 'every reply ended before the typing did; nothing was measured under load');
    measure('median keystroke → render, idle', Math.round(idle.median));
    measure('median keystroke → render, during a reply', Math.round(busy.median));
    expect(busy.n === busyText.length, `only ${busy.n} of ${busyText.length} keystrokes were rendered during the reply`);
    expect((await editorText(page)).includes(busyText), 'the text typed during the reply is not in the editor');
    // Generous: a stalled UI takes seconds; a shared 2-core machine adds tens of ms.
    expect(busy.median < 250, `typing is delayed during a chat reply: ${fmt(busy)}`);
  },
};
