// After "Developer: Reload Window" the chat shows the conversation, and the
// meter its count, from the first moment the view is drawn: never an empty
// chat first (the page redraws its saved state before the extension host
// has started).
import { chatFrame, openChatView, runCommand } from '../lib/workbench.mjs';
import { sendChat, stopIfGenerating, watchReply } from '../lib/chat.mjs';

/** What the chat view shows, or null while it is not there yet. */
function readChat(chat) {
  return chat
    .locator('body')
    .evaluate((body) => ({
      // The page has drawn something: a conversation or the empty chat.
      drawn: body.querySelector('.message') !== null || !body.querySelector('#empty-state')?.hidden,
      users: Array.from(body.querySelectorAll('.message.user')).map((m) => m.textContent.trim()),
      meter: body.querySelector('#context-meter-label')?.textContent ?? '',
      empty: !body.querySelector('#empty-state')?.hidden,
    }))
    .catch(() => null);
}

export default {
  id: 'reload',
  profile: 'with-model',
  title: 'after a window reload the chat shows its history and its token count at once',
  async run({ page, shot, expect, note, measure }) {
    await openChatView(page);
    let chat = chatFrame(page);
    await chat.locator('textarea#input').waitFor({ timeout: 30_000 });
    const question = 'Remember the lighthouse keeper.';
    const reply = await watchReply(chat);
    await sendChat(chat, question);
    // Only the question matters here: any reply, stopped or ended, is history.
    await reply.startedOrEnded();
    await stopIfGenerating(chat);
    // The view saves its state a moment after the last change.
    await page.waitForTimeout(1500);
    const before = await readChat(chat);
    note(`before the reload: ${before.users.length} question(s), meter "${before.meter}"`);

    const reloadAt = Date.now();
    await runCommand(page, 'Developer: Reload Window');
    await page.waitForTimeout(300);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    chat = chatFrame(page);
    let first = null;
    const deadline = Date.now() + 60_000;
    while (!first && Date.now() < deadline) {
      const seen = await readChat(chat);
      if (seen?.drawn) first = { ...seen, ms: Date.now() - reloadAt };
      else await page.waitForTimeout(25);
    }
    expect(first, 'the chat view did not come back within 60 s of the reload');
    measure('reload → chat drawn', first.ms);
    await shot('after-reload');
    note(`first drawn ${first.ms} ms after the reload: ${first.users.length} question(s), meter "${first.meter}"`);
    expect(!first.empty && first.users.includes(question), `the chat was first drawn without its history: ${JSON.stringify(first)}`);
    expect(first.meter === before.meter, `the meter read "${first.meter}" at first, not "${before.meter}"`);
  },
};
