// Inside the braces the editor has just closed (`function f() {|}`), the
// suggestion is the function's body on lines of its own, and after Tab the
// closing brace the editor typed sits alone on the line below it.
import { patience } from '../lib/patience.mjs';
import { activeEditor, editorText, openFile } from '../lib/workbench.mjs';

// shapes.js starts as this line and a newline (see lib/workspace.mjs).
const HEADER = '// Geometry helpers.';
// Openers a user might type; VS Code adds the `}` after the cursor. The first
// that gets a suggestion is accepted (the random test model may close a block at once).
const OPENERS = ['function area(width, height) {', 'function perimeter(width, height) {', 'function scale(shape, factor) {', 'function describe(shape) {'];
const GHOST = '.ghost-text-decoration, .ghost-text';

export default {
  id: 'block-body',
  profile: 'with-model',
  title: 'inside function f() {|} the suggestion is the body on its own lines, and Tab leaves the closing brace alone below it',
  async run({ page, shot, expect, note }) {
    await openFile(page, 'shapes.js');
    const editor = activeEditor(page);
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+End');
    expect((await editorText(page)) === `${HEADER}\n`, 'shapes.js does not start as expected');

    let opener;
    for (const typed of OPENERS) {
      await page.keyboard.type(typed, { delay: 30 });
      // On a busy machine the view draws the last keys a moment later.
      let line = '';
      for (const until = Date.now() + patience(3_000); line !== `${typed}}` && Date.now() < until; ) {
        line = (await editorText(page)).split('\n').at(-1);
        if (line !== `${typed}}`) await page.waitForTimeout(100);
      }
      expect(line === `${typed}}`, `the editor did not close the brace: ${JSON.stringify(line)}`);
      const shown = await editor.locator(GHOST).first().waitFor({ timeout: patience(10_000) }).then(() => true, () => false);
      if (shown) {
        opener = typed;
        break;
      }
      note(`no suggestion inside ${JSON.stringify(`${typed}}`)}`);
      // Leave this one empty and try the next on a new line.
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
    }
    expect(opener, `no suggestion inside any of ${OPENERS.length} function bodies`);
    // Let a longer suggestion replace a first one before reading what shows.
    await page.waitForTimeout(patience(1_000));
    await shot('body-suggested');

    await page.keyboard.press('Tab');
    await editor.locator(GHOST).first().waitFor({ state: 'detached' });
    // The view draws ghost text among the document's lines: after a moment for a
    // new suggestion to come, none must show (it would land before the brace).
    await page.waitForTimeout(patience(1_500));
    expect((await editor.locator(GHOST).count()) === 0, 'a suggestion shows on the closing brace\'s line after the body was accepted');
    await shot('accepted');
    const lines = (await editorText(page)).split('\n');
    const at = lines.indexOf(opener);
    expect(at >= 0, `after Tab the opener is no longer a line of its own:\n${lines.join('\n')}`);
    const close = lines.indexOf('}', at + 1);
    expect(close > at + 1, `after Tab there is no body between the opener and a "}" alone on its line:\n${lines.join('\n')}`);
    const body = lines.slice(at + 1, close);
    note(`body: ${JSON.stringify(body.join('\n').slice(0, 120))}`);
    expect(body.some((line) => line.trim() !== ''), 'the accepted body is empty');
    expect(body.every((line) => line.trim() === '' || /^\s+/.test(line)), `a body line is not indented:\n${body.join('\n')}`);
  },
};
