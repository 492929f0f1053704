// (1) Type in a source file, ghost text from the model appears, Tab accepts
// it, and the document then holds exactly what was typed plus the suggestion.
import { patience } from '../lib/patience.mjs';
import { activeEditor, editorText, openFile } from '../lib/workbench.mjs';

// draft.py starts as this line and a newline (see lib/workspace.mjs): Ctrl+End puts
// the cursor on the empty second line.
const HEADER = '# Arithmetic helpers.';
// Lines a user might type; the first that gets a suggestion is accepted. No
// brackets or quotes: the editor would auto-close them after the cursor.
const CANDIDATES = ['x = ', 'import os', 'total = x + '];
const GHOST = '.ghost-text-decoration, .ghost-text';

/** The ghost text as shown: the part on the cursor line plus any lines below it. */
async function ghostText(editor) {
  const inline = (await editor.locator('.ghost-text-decoration').allTextContents()).join('');
  const below = await editor.locator('.ghost-text .view-line').allTextContents();
  return [inline, ...below].join('\n').replace(/\u00a0/g, ' ');
}

/**
 * The ghost text once it has stopped changing: while it shows, VS Code may
 * replace a suggestion with a longer one, and Tab takes what shows then.
 */
async function settledGhostText(page, editor) {
  let text = await ghostText(editor);
  const deadline = Date.now() + patience(5_000);
  for (;;) {
    await page.waitForTimeout(patience(300));
    const now = await ghostText(editor);
    if (now === text || Date.now() > deadline) return now;
    text = now;
  }
}

export default {
  id: 'inline',
  profile: 'with-model',
  title: 'typing shows ghost text from the model, Tab inserts exactly that text',
  async run({ page, shot, expect, note, measure }) {
    await openFile(page, 'draft.py');
    const editor = activeEditor(page);
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+End');
    const start = await editorText(page);
    expect(start === `${HEADER}\n`, `draft.py does not start as expected: ${JSON.stringify(start)}`);

    const lines = [HEADER];
    let ghost = '';
    for (const typed of CANDIDATES) {
      if (lines.length > 1) await page.keyboard.press('Enter');
      await page.keyboard.type(typed, { delay: 30 });
      lines.push(typed);
      const typedAt = Date.now();
      const shown = await editor.locator(GHOST).first().waitFor({ timeout: patience(10_000) }).then(() => true, () => false);
      if (!shown) {
        note(`no suggestion after ${JSON.stringify(typed)}`);
        continue;
      }
      measure(`last keystroke → ghost text (after ${JSON.stringify(typed)})`, Date.now() - typedAt);
      ghost = await settledGhostText(page, editor);
      break;
    }
    expect(ghost !== '', `no ghost text appeared after typing any of ${JSON.stringify(CANDIDATES)}`);
    note(`ghost text: ${JSON.stringify(ghost.length > 80 ? `${ghost.slice(0, 80)}…` : ghost)}`);
    await shot('ghost-text');

    await page.keyboard.press('Tab');
    await editor.locator(GHOST).first().waitFor({ state: 'detached' });
    const after = await editorText(page);
    await shot('accepted');
    lines[lines.length - 1] += ghost;
    const expected = lines.join('\n');
    expect(after === expected, `after Tab the document is\n${JSON.stringify(after)}\nexpected\n${JSON.stringify(expected)}`);
  },
};
