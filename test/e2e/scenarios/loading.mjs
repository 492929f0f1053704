// Every chat button works while the model loads: New chat empties the chat
// at once (the old conversation goes to History), a message shows at once,
// and Stop gives the input back. A model the size of the real one (1.2 GB,
// made by the project's writer) takes seconds to load, long enough to act in.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeModel } from '../lib/project.mjs';
import { chatFrame, openChatView, readUserSettings, setTextSetting, statusItem } from '../lib/workbench.mjs';
import { askAndStop, historyTitles, newChat, sendChat, stopIfGenerating } from '../lib/chat.mjs';

/** A 2B4T-shaped model: $BITNET_E2E_BIG_MODEL, the one the benchmarks made, or a new one in the profile. */
function bigModel(profile) {
  for (const file of [process.env.BITNET_E2E_BIG_MODEL, '/tmp/bitnet-2b4t.gguf']) if (file && existsSync(file)) return file;
  return makeModel(join(profile.root, 'big.gguf'), '2b4t').model;
}

export default {
  id: 'loading',
  profile: 'with-model',
  title: 'New chat, Send and Stop work while the model loads',
  async run({ page, profile, shot, expect, note, measure }) {
    await openChatView(page);
    const chat = chatFrame(page);
    await chat.locator('textarea#input').waitFor({ timeout: 30_000 });
    const earlier = 'Before the model changes.';
    await newChat(chat);
    await askAndStop(chat, earlier);

    const tiny = readUserSettings(profile)['bitnet.modelPath'];
    const big = bigModel(profile);
    await setTextSetting(page, 'bitnet.modelPath', big, { remote: true });
    await openChatView(page);
    try {
      const item = statusItem(page);
      await item.locator('.codicon-loading').waitFor({ timeout: 60_000 });
      await shot('loading');

      const clicked = Date.now();
      await chat.locator('button#new-chat').click();
      await chat.locator('#empty-state').waitFor({ timeout: 5_000 });
      measure('New chat → empty chat, while loading', Date.now() - clicked);
      const stillLoading = (await item.locator('.codicon-loading').count()) > 0;
      note(`the model was ${stillLoading ? 'still' : 'no longer'} loading when the chat had emptied`);
      expect(stillLoading, 'the model finished loading before New chat answered');
      expect((await historyTitles(chat)).includes(earlier), 'the earlier conversation is not in History');
      await chat.locator('button#history-toggle').click();

      const question = 'Are you there while loading?';
      const sent = Date.now();
      await sendChat(chat, question);
      await chat.locator('.message.user', { hasText: question }).waitFor({ timeout: 5_000 });
      measure('Send → message shown, while loading', Date.now() - sent);
      const stopped = Date.now();
      await stopIfGenerating(chat);
      measure('Stop → Send enabled, while loading', Date.now() - stopped);
      expect(await chat.locator('button#send').isEnabled(), 'Send is not enabled after Stop');
      await shot('after-stop');
    } finally {
      await setTextSetting(page, 'bitnet.modelPath', tiny, { remote: true });
      await statusItem(page).locator('.codicon-sparkle').waitFor({ timeout: 120_000 });
    }
  },
};
