// (1) Type in a source file, ghost text from the model appears, Tab accepts
// it, and the document then holds exactly what was typed plus the suggestion.
import { activeEditor, editorText, openFile } from '../lib/workbench.mjs';

/** The ghost text as shown: the part on the cursor line plus any lines below it. */
async function ghostText(editor) {
  const inline = (await editor.locator('.ghost-text-decoration').allTextContents()).join('');
  const below = await editor.locator('.ghost-text .view-line').allTextContents();
  return [inline, ...below].join('\n').replace(/\u00a0/g, ' ');
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
    const before = await editorText(page);
    const typed = 'def add(a, b):';
    await page.keyboard.type(typed, { delay: 30 });
    const typedAt = Date.now();
    await editor.locator('.ghost-text-decoration, .ghost-text').first().waitFor({ timeout: 30_000 });
    measure('last keystroke → ghost text', Date.now() - typedAt);
    const ghost = await ghostText(editor);
    note(`ghost text: ${JSON.stringify(ghost)}`);
    expect(ghost.trim().length > 0, 'the ghost text is empty');
    await shot('ghost-text');

    await page.keyboard.press('Tab');
    await editor.locator('.ghost-text-decoration, .ghost-text').first().waitFor({ state: 'detached' });
    const after = await editorText(page);
    await shot('accepted');
    const expected = before + typed + ghost;
    expect(after === expected, `after Tab the document is\n${JSON.stringify(after)}\nexpected\n${JSON.stringify(expected)}`);
  },
};
