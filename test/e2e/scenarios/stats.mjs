// "BitNet: Show stats" opens one read-only document and refreshes it in
// place: no Untitled tabs that ask to be saved, however often it runs.
import { activeEditor, editorText, runCommand, tabs } from '../lib/workbench.mjs';

export default {
  id: 'stats',
  profile: 'with-model',
  title: 'Show stats is one read-only document, refreshed in place',
  async run({ page, shot, expect, note }) {
    for (let i = 0; i < 3; i++) {
      await runCommand(page, 'BitNet: Show stats');
      await page.locator('.tab.active', { hasText: 'BitNet stats' }).waitFor();
      await activeEditor(page).locator('.view-lines', { hasText: 'features:' }).waitFor();
      // The command shows the document when the engine has answered; a palette
      // opened before that would lose the focus to it.
      await page.waitForTimeout(1000);
    }
    await shot('stats');
    const count = await tabs(page, 'BitNet stats').count();
    const untitled = await tabs(page, 'Untitled').count();
    const dirty = await page.locator('.tab.dirty[aria-label^="BitNet stats"], .tab.dirty[aria-label^="Untitled"]').count();
    note(`${count} stats tab(s), ${untitled} Untitled, ${dirty} unsaved`);
    expect(count === 1, `${count} stats tabs after three runs`);
    expect(untitled === 0 && dirty === 0, `Show stats left ${untitled} Untitled and ${dirty} unsaved tab(s)`);

    const before = await editorText(page);
    await activeEditor(page).locator('.view-lines').click();
    await page.keyboard.type('typed into stats');
    await page.waitForTimeout(300);
    const after = await editorText(page);
    expect(!after.includes('typed into stats') && after === before, 'the stats document can be edited');
    expect((await page.locator('.tab.dirty[aria-label^="BitNet stats"]').count()) === 0, 'typing made the stats tab unsaved');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+W');
  },
};
