// (3) Select code, run "BitNet: Explain selection" from the palette: the chat
// view opens with the selection in the user's message and a streamed reply.
import { activeEditor, chatFrame, openChatView, openFile, runCommand } from '../lib/workbench.mjs';
import { startNewChat, stopIfGenerating } from '../lib/chat.mjs';
import { patience } from '../lib/patience.mjs';

export default {
  id: 'explain',
  profile: 'with-model',
  title: 'Explain selection opens the chat with the selected code and a streamed reply',
  async run({ page, shot, expect, note, measure }) {
    // A new chat first: after the long replies of earlier scenarios the
    // explanation gets only the reply reserve, which the fast tiny model can
    // finish before a busy machine has shown any of it.
    await openChatView(page);
    await startNewChat(chatFrame(page));
    // Close the side bar (clicking the shown container's icon), so the command itself has to open the chat.
    await page.locator('.activitybar a.action-label[aria-label^="BitNet"]').click();
    await page.locator('.part.sidebar').waitFor({ state: 'hidden' });
    await openFile(page, 'fib.py');
    await activeEditor(page).locator('.view-lines').click();
    await page.keyboard.press('Control+A');
    await shot('selected');
    const commandAt = Date.now();
    await runCommand(page, 'BitNet: Explain selection');

    const chat = chatFrame(page);
    const user = chat.locator('.message.user', { hasText: 'def fibonacci(n):' }).last();
    await user.waitFor({ timeout: patience(30_000) });
    measure('command → selection shown in the chat', Date.now() - commandAt);
    await user.scrollIntoViewIfNeeded();
    await shot('selection-in-chat');
    expect((await user.innerText()).includes('a, b = b, a + b'), 'the user message does not hold the whole selection');
    // The reply to that message (it may already be streaming): watch its text grow.
    const reply = chat.locator('.message.user:has-text("def fibonacci(n):") ~ .message.assistant').last();
    const lengths = [];
    const deadline = Date.now() + patience(30_000);
    while (Date.now() < deadline && new Set(lengths.filter((n) => n > 0)).size < 3) {
      lengths.push(((await reply.textContent().catch(() => '')) ?? '').length);
      await page.waitForTimeout(100);
    }
    await shot('explained');
    const growth = [...new Set(lengths.filter((n) => n > 0))];
    note(`reply lengths seen: ${growth.slice(0, 6).join(' → ')}${growth.length > 6 ? ' …' : ''}`);
    expect(growth.length >= 3, `the explanation did not stream (lengths seen: ${lengths.join(', ')})`);
    await stopIfGenerating(chat);
  },
};
