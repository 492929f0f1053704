// (2) The chat view: a message gets a streamed reply (seen growing, not just
// appearing), Stop during a long reply stops it, and the next message works.
import { chatFrame, openChatView } from '../lib/workbench.mjs';
import { sendChat, stopIfGenerating, watchReply } from '../lib/chat.mjs';
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

    // The tiny test model rarely samples an end of turn, so replies are
    // long; one that ends before Stop is clicked is asked again.
    const question = 'Write a long story about a lighthouse keeper.';
    let stopped;
    for (let attempt = 1; attempt <= 3 && !stopped; attempt++) {
      const reply = await watchReply(chat);
      await sendChat(chat, question);
      await chat.locator('.message.user', { hasText: question }).last().waitFor();
      const seen = await reply.streaming(3);
      if (attempt === 1) measure('send → first reply text', seen.firstTextMs);
      note(`streamed: ${seen.updates} updates so far, ${JSON.stringify(seen.text.slice(0, 60))}…`);
      await shot('streaming');
      const result = await reply.stop();
      if (result.endedOnItsOwn) note(`try ${attempt}: the reply ended on its own before Stop was clicked`);
      else stopped = result;
    }
    expect(stopped, 'every reply ended on its own before Stop could be clicked');
    const { atClick, atStop, after, endedMs } = stopped;
    await shot('stopped');
    measure('Stop → generation ended', endedMs);
    note(`Stop: ${atClick} characters at the click, ${atStop} when generation ended, ${after - atStop} more in the next second`);
    expect(after === atStop, `the reply kept growing after Stop: ${atStop} → ${after} characters`);
    expect(await chat.locator('button#send').isEnabled(), 'Send is not enabled again after Stop');

    // The conversation goes on after a stopped reply.
    const next = await watchReply(chat);
    await sendChat(chat, 'And then?');
    await next.startedOrEnded();
    await stopIfGenerating(chat);
    expect(await chat.locator('.message.user').count() >= 2, 'the second message is not shown');
  },
};
