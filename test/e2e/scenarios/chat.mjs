// (2) The chat view: a message gets a streamed reply (the reply is seen
// growing, not just appearing), and Stop during a long reply stops it.
import { chatFrame, openChatView } from '../lib/workbench.mjs';
import { sendChat, watchReplies } from '../lib/chat.mjs';

export default {
  id: 'chat',
  profile: 'with-model',
  title: 'a chat message gets a streamed reply, and Stop ends a long reply',
  async run({ page, shot, expect, note, measure }) {
    await openChatView(page);
    const chat = chatFrame(page);
    await chat.locator('textarea#input').waitFor({ timeout: 30_000 });
    await shot('view');

    const sentAt = Date.now();
    const first = await watchReplies(chat);
    await sendChat(chat, 'Say hello in one short sentence.');
    await chat.locator('.message.user', { hasText: 'Say hello in one short sentence.' }).waitFor();
    const reply = await first.done();
    measure('send → first reply text', reply.firstTextMs);
    measure('send → reply finished', Date.now() - sentAt);
    note(`reply (${reply.updates} updates): ${JSON.stringify(reply.text.slice(0, 80))}`);
    expect(reply.text.trim().length > 0, 'the assistant reply is empty');
    expect(reply.updates > 1, `the reply was rendered in ${reply.updates} update(s), not streamed`);
    await shot('reply');

    // A long reply, stopped while it streams.
    const second = await watchReplies(chat);
    await sendChat(chat, 'Write a very long story about a lighthouse keeper, with many chapters.');
    await second.growing();
    await chat.locator('button#stop').click();
    const stoppedAt = await second.length();
    await page.waitForTimeout(1000);
    const later = await second.length();
    await shot('stopped');
    note(`stopped at ${stoppedAt} characters; ${later - stoppedAt} more arrived after Stop`);
    expect(later - stoppedAt <= 40, `the reply kept growing after Stop: ${stoppedAt} → ${later} characters`);
    expect(await chat.locator('button#send').isEnabled(), 'Send is not enabled again after Stop');
  },
};
