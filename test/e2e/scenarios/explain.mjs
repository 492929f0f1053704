// (3) Select code, run "BitNet: Explain selection" from the palette: the chat
// view opens with the selection in the user's message and a streamed reply.
import { activeEditor, chatFrame, openChatView, openFile, runCommand } from '../lib/workbench.mjs';
import { watchReplies } from '../lib/chat.mjs';

export default {
  id: 'explain',
  profile: 'with-model',
  title: 'Explain selection opens the chat with the selected code and a streamed reply',
  async run({ page, shot, expect, note }) {
    // Watch from before the command, so the reply is seen from its first token.
    await openChatView(page);
    const chat = chatFrame(page);
    const replies = await watchReplies(chat);
    await openFile(page, 'fib.py');
    await activeEditor(page).locator('.view-lines').click();
    await page.keyboard.press('Control+A');
    await shot('selected');
    await runCommand(page, 'BitNet: Explain selection');
    const user = chat.locator('.message.user', { hasText: 'def fibonacci(n):' });
    await user.waitFor({ timeout: 30_000 });
    const reply = await replies.done();
    await shot('explained');
    note(`reply (${reply.updates} updates): ${JSON.stringify(reply.text.slice(0, 80))}`);
    expect((await user.innerText()).includes('a, b = b, a + b'), 'the user message does not hold the whole selection');
    expect(reply.text.trim().length > 0, 'the explanation is empty');
    expect(reply.updates > 1, `the explanation was rendered in ${reply.updates} update(s), not streamed`);
  },
};
