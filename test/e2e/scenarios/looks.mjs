// The product is named where the user meets it: the editor context menu
// says "BitNet: Explain selection", the Settings editor groups the settings
// under "BitNet for VS Code" with no "Bitnet ›" prefix, and the activity bar item is
// titled BitNet (its icon, a chat bubble with a "b", is in the screenshot).
import { activeEditor, openEditorContextMenu, openFile, runCommand } from '../lib/workbench.mjs';

export default {
  id: 'looks',
  profile: 'with-model',
  title: 'the context menu, the Settings editor and the activity bar name BitNet',
  async run({ page, shot, expect, note }) {
    await openFile(page, 'fib.py');
    await activeEditor(page).locator('.view-lines').click();
    await page.keyboard.press('Control+A');
    const menu = await openEditorContextMenu(page);
    const labels = (await menu.locator('.action-label').allTextContents()).map((t) => t.trim()).filter(Boolean);
    await shot('context-menu');
    note(`context menu: ${labels.join(' | ')}`);
    expect(labels.includes('BitNet: Explain selection'), `the context menu has no "BitNet: Explain selection": ${JSON.stringify(labels)}`);
    expect(!labels.includes('Explain selection'), 'the context menu has an unnamed "Explain selection"');
    await page.keyboard.press('Escape');

    // Browse to the extension's settings as a user does: Extensions, then BitNet.
    await runCommand(page, 'Preferences: Open Settings (UI)');
    const toc = page.locator('.settings-editor .settings-toc-container');
    await toc.waitFor();
    const extensions = toc.locator('.monaco-list-row', { hasText: /^Extensions/ });
    if ((await extensions.getAttribute('aria-expanded')) !== 'true') await extensions.click();
    await toc.locator('.monaco-list-row', { hasText: /^BitNet/ }).first().click();
    // The list shows the rows on screen: BitNet's, now that its group is at the top.
    const rows = page.locator('.settings-editor .settings-tree-container .setting-item-contents .setting-item-title');
    await rows.filter({ hasText: 'Model Path' }).waitFor({ timeout: 15_000 });
    const titles = (await rows.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    const headings = (await toc.locator('.monaco-list-row').allTextContents()).map((t) => t.trim());
    await shot('settings');
    note(`settings: ${titles.slice(0, 5).join(' | ')} …; contents: ${headings.filter((h) => /BitNet|Model|Inline|Chat/.test(h)).join(' | ')}`);
    expect(titles.length > 0, 'no BitNet settings are shown');
    expect(titles.every((t) => !/bitnet/i.test(t)), `setting titles repeat the product as "Bitnet ›": ${JSON.stringify(titles)}`);
    expect(headings.some((h) => h.startsWith('BitNet')) && !headings.some((h) => h.startsWith('Bitnet')), `the Settings table of contents does not say BitNet: ${JSON.stringify(headings)}`);
    await page.keyboard.press('Control+W');

    const item = page.locator('.activitybar a.action-label[aria-label^="BitNet"]');
    expect((await item.count()) === 1, 'the activity bar has no BitNet item');
  },
};
