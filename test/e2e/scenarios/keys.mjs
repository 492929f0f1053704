// The keys: Shift+Alt+E explains the selection, Shift+Alt+B puts the cursor
// in the chat's input from anywhere.
import { activeEditor, chatFrame, openFile } from '../lib/workbench.mjs';
import { stopIfGenerating } from '../lib/chat.mjs';

export default {
  id: 'keys',
  profile: 'with-model',
  title: 'Shift+Alt+E explains the selection and Shift+Alt+B focuses the chat input',
  async run({ page, shot, expect }) {
    if (await page.locator('.part.sidebar').isVisible()) await page.keyboard.press('Control+B');
    await openFile(page, 'fib.py');
    await activeEditor(page).locator('.view-lines').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Shift+Alt+E');
    const chat = chatFrame(page);
    const before = await chat.locator('.message.user', { hasText: 'def fibonacci(n):' }).count().catch(() => 0);
    await chat.locator('.message.user', { hasText: 'def fibonacci(n):' }).nth(before === 0 ? 0 : before - 1).waitFor({ timeout: 30_000 });
    await shot('explained-by-key');
    await stopIfGenerating(chat);

    await activeEditor(page).locator('.view-lines').click();
    await page.keyboard.press('Shift+Alt+B');
    const input = chat.locator('textarea#input');
    let focused = false;
    for (let i = 0; i < 40 && !focused; i++) {
      focused = await input.evaluate((el) => document.hasFocus() && document.activeElement === el).catch(() => false);
      if (!focused) await page.waitForTimeout(100);
    }
    await page.keyboard.type('typed after Shift+Alt+B');
    await shot('focused-by-key');
    expect(focused, 'Shift+Alt+B did not put the cursor in the chat input');
    expect((await input.inputValue()).includes('typed after Shift+Alt+B'), 'typing after Shift+Alt+B did not reach the chat input');
    await input.fill('');
  },
};
