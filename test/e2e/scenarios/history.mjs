// Several conversations: New chat keeps the old one in History; History
// opens it again with its own messages; a conversation can be renamed and
// deleted there.
import { chatFrame, openChatView } from '../lib/workbench.mjs';
import { askAndStop, historyRow, historyTitles, newChat } from '../lib/chat.mjs';

export default {
  id: 'history',
  profile: 'with-model',
  title: 'New chat keeps the old conversation; History switches, renames and deletes',
  async run({ page, shot, expect, note }) {
    await openChatView(page);
    const chat = chatFrame(page);
    await chat.locator('textarea#input').waitFor({ timeout: 30_000 });
    const first = 'First topic: the tides.';
    const second = 'Second topic: lanterns.';
    await newChat(chat);
    await shot('empty-chat');
    await askAndStop(chat, first);
    await newChat(chat);
    expect((await chat.locator('#messages .message').count()) === 0, 'New chat did not empty the conversation');
    await askAndStop(chat, second);

    const titles = await historyTitles(chat);
    await shot('history');
    note(`History: ${JSON.stringify(titles.slice(0, 4))}`);
    expect(titles[0] === second && titles[1] === first, `History does not list the two conversations newest first: ${JSON.stringify(titles)}`);
    expect((await historyRow(chat, second).locator('.conversation-open').getAttribute('aria-current')) === 'true', 'the open conversation is not marked');

    // Switch back to the first conversation.
    await historyRow(chat, first).locator('.conversation-open').click();
    await chat.locator('.message.user', { hasText: first }).waitFor();
    const users = await chat.locator('.message.user').allTextContents();
    expect(users.every((u) => !u.includes(second)), `the first conversation shows the second one's message: ${JSON.stringify(users)}`);
    await shot('switched');

    // Rename it: VS Code's input box asks for the name.
    await historyTitles(chat);
    await historyRow(chat, first).locator('.conversation-rename').click();
    const box = page.locator('.quick-input-widget');
    await box.waitFor();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Tides');
    await page.keyboard.press('Enter');
    await box.waitFor({ state: 'hidden' });
    await historyRow(chat, 'Tides').waitFor();

    // Delete the second one.
    await historyRow(chat, second).locator('.conversation-delete').click();
    await historyRow(chat, second).waitFor({ state: 'detached' });
    const after = await historyTitles(chat);
    await shot('renamed-and-deleted');
    expect(after.includes('Tides') && !after.includes(second) && !after.includes(first), `History after rename and delete: ${JSON.stringify(after)}`);
    await chat.locator('button#history-toggle').click();
  },
};
