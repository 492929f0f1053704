// bitnet.modelPath set in the user settings after the extension has started
// and offered the download. In a remote window (code-server, SSH, WSL) VS
// Code drops a user value of a machine-scoped setting once it knows the
// setting's scope, so whether a path in the user settings.json counted
// depended on which came first at startup, the settings or the extension's
// manifest, and a path set later never counted. The path is window-scoped
// now: it counts, and the offer still open is harmless (Download then
// downloads nothing and names the model in use).
import { join } from 'node:path';
import { baseSettings } from '../lib/code-server.mjs';
import { patience } from '../lib/patience.mjs';
import { activeEditor, runCommand, statusItem, toast } from '../lib/workbench.mjs';

const OFFER = 'BitNet needs its model';

/** Sets the profile's model in the user settings.json, in its editor, as a user would. */
async function configureModel(page, profile) {
  await runCommand(page, 'Preferences: Open User Settings (JSON)');
  await page.locator('.tab.active', { hasText: 'settings.json' }).waitFor();
  await activeEditor(page).locator('.view-lines').click();
  await page.keyboard.press('Control+A');
  // insertText types no brackets or quotes of its own (no auto-closing).
  const settings = { ...baseSettings, 'bitnet.modelPath': join(profile.root, 'tiny.gguf') };
  await page.keyboard.insertText(JSON.stringify(settings, null, 2));
  await page.keyboard.press('Control+S');
  await page.locator('.tab.active.dirty').waitFor({ state: 'detached' });
  await page.keyboard.press('Control+W');
}

async function waitUntilReady(page) {
  await statusItem(page).locator('.codicon-sparkle').waitFor({ timeout: patience(30_000) });
}

/** The texts of every notification, shown or in the notification centre. */
async function notificationTexts(page) {
  await runCommand(page, 'Notifications: Show Notifications');
  const center = page.locator('.notifications-center');
  await center.waitFor();
  const texts = await center.locator('.notification-list-item').allInnerTexts();
  await page.keyboard.press('Escape');
  return texts;
}

export default {
  id: 'settings-after-offer',
  profile: 'late-model',
  title: 'a model path set in the user settings after the download offer showed is used, and the offer is harmless: Download downloads nothing',
  async run({ page, profile, shot, expect, note }) {
    await toast(page, OFFER).waitFor({ timeout: patience(30_000) });
    // Setting the path in the editor hides the toast; it waits in the notification centre.
    await configureModel(page, profile);
    await waitUntilReady(page);
    await runCommand(page, 'Notifications: Show Notifications');
    const offer = page.locator('.notifications-center .notification-list-item', { hasText: OFFER });
    await offer.waitFor();
    await shot('offer-still-open');
    await offer.locator('.monaco-button', { hasText: 'Download' }).click();
    await page.keyboard.press('Escape');
    let texts = [];
    for (let i = 0; i < 10 && !texts.some((t) => t.includes('nothing to download')); i++) {
      await page.waitForTimeout(patience(500));
      texts = await notificationTexts(page);
    }
    await shot('told');
    const told = texts.find((t) => t.includes('nothing to download'));
    expect(told, `no word that there is nothing to download; notifications: ${JSON.stringify(texts)}`);
    note(`told: ${JSON.stringify(told.split('\n')[0])}`);
    const downloading = texts.filter((t) => /downloading the model/i.test(t));
    expect(downloading.length === 0, `a download started: ${JSON.stringify(downloading)}`);
    expect((await statusItem(page).locator('.codicon-sparkle').count()) === 1, 'the status is no longer ready');
  },
};
