// Insert puts a code block from the chat on lines of its own at the cursor
// (never glued to the text after it), and Copy says "Copied".
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { activeEditor, chatFrame, editorText, openChatView, openFile } from '../lib/workbench.mjs';
import { newChat, stopIfGenerating } from '../lib/chat.mjs';

const FILE = 'scratch.js';
const START = 'const limit = 10;\n// scratch\n';
const CODE = 'function double(n) {\n  return n * 2;\n}';

export default {
  id: 'insert',
  profile: 'with-model',
  title: 'Insert puts the code on its own lines at the cursor; Copy says Copied',
  async run({ page, workspace, shot, expect, note }) {
    writeFileSync(join(workspace, FILE), START);
    // Quick Open finds a file made outside VS Code once the file watcher has told it.
    for (let attempt = 1; ; attempt++) {
      try {
        await openFile(page, FILE);
        break;
      } catch (err) {
        if (attempt === 3) throw err;
        await page.keyboard.press('Escape');
        await page.waitForTimeout(2000);
      }
    }
    // The cursor at the start of "// scratch", where gluing would show at once.
    await activeEditor(page).locator('.view-line', { hasText: '// scratch' }).click();
    await page.keyboard.press('Home');

    await openChatView(page);
    const chat = chatFrame(page);
    await chat.locator('textarea#input').waitFor({ timeout: 30_000 });
    await newChat(chat);
    // The user's own message renders its code block with Copy and Insert too.
    await chat.locator('textarea#input').fill(`Can you improve this?\n\n\`\`\`js\n${CODE}\n\`\`\``);
    await chat.locator('button#send').click();
    const block = chat.locator('.message.user .code-block').last();
    await block.waitFor();
    await stopIfGenerating(chat);

    await block.locator('button.insert-code').click();
    await page.waitForFunction(() => document.querySelector('.editor-group-container.active .view-lines')?.textContent.includes('double'), null, { timeout: 10_000 });
    const text = await editorText(page);
    await shot('inserted');
    note(`editor: ${JSON.stringify(text)}`);
    // The editor indents with 4 spaces: the block's own 2-space steps are converted.
    const expected = `const limit = 10;\nfunction double(n) {\n    return n * 2;\n}\n// scratch\n`;
    expect(text === expected, `the code was not inserted on lines of its own:\n${JSON.stringify(text)}\nexpected\n${JSON.stringify(expected)}`);

    const copy = block.locator('button.copy-code');
    await copy.click();
    expect((await copy.textContent()) === 'Copied', `Copy shows "${await copy.textContent()}" after a click, not "Copied"`);
    await shot('copied');
  },
};
