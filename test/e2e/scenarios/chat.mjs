// (2) The chat view: a message gets a streamed reply (seen growing, not just
// appearing), Stop during a long reply stops it, and the next message works.
import { chatFrame, openChatView } from '../lib/workbench.mjs';
import { sendChat, watchReply } from '../lib/chat.mjs';
import { patience } from '../lib/patience.mjs';

export default {
  id: 'chat',
  profile: 'with-model',
  title: 'a chat message gets a streamed reply, and Stop ends a long reply',
  async run({ page, shot, expect, note, measure }) {
    await openChatView(page);
    const chat = chatFrame(page);
    await chat.locator('textarea#input').waitFor({ timeout: patience(30_000) });
    await shot('view');

    // The tiny test model never says "end of turn": every reply is long.
    const question = 'Write a long story about a lighthouse keeper.';
    const reply = await watchReply(chat);
    await sendChat(chat, question);
    await chat.locator('.message.user', { hasText: question }).waitFor();
    const seen = await reply.streaming(3);
    measure('send → first reply text', seen.firstTextMs);
    note(`streamed: ${seen.updates} updates so far, ${JSON.stringify(seen.text.slice(0, 60))}…`);
    await shot('streaming');

    const { atClick, atStop, after, endedMs } = await reply.stop();
    await shot('stopped');
    measure('Stop → generation ended', endedMs);
    note(`Stop: ${atClick} characters at the click, ${atStop} when generation ended, ${after - atStop} more in the next second`);
    expect(after === atStop, `the reply kept growing after Stop: ${atStop} → ${after} characters`);
    expect(await chat.locator('button#send').isEnabled(), 'Send is not enabled again after Stop');

    // The conversation goes on after a stopped reply.
    const next = await watchReply(chat);
    await sendChat(chat, 'And then?');
    await next.streaming(2);
    await next.stop();
    expect(await chat.locator('.message.user').count() >= 2, 'the second message is not shown');
  },
};
