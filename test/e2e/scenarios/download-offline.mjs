// The model download with no way to reach the endpoint: the notification says
// what is going on (which host, which try) instead of only "downloading the
// model", and choosing a local model file while it retries stops the download,
// so no error about it arrives after the local model is in use.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeModel } from '../lib/project.mjs';
import { toast } from '../lib/workbench.mjs';

/** Nothing listens on the discard port here, so every try is refused at once. */
const ENDPOINT = 'http://127.0.0.1:9';
/** The download's retry waits (2 + 4 + 8 + 16 s): by then its error toast would have come. */
const RETRIES_OVER_MS = 32_000;

export default {
  id: 'download-offline',
  profile: 'no-model',
  title: 'offline, the download notification names the host and the try, and choosing a local file stops it quietly',
  async run({ page, profile, shot, expect, measure }) {
    const { model } = makeModel(join(profile.root, 'local.gguf'));
    // A machine-scoped setting: code-server reads it from the server's Machine settings.
    const machine = join(profile.userDataDir, 'Machine');
    mkdirSync(machine, { recursive: true });
    writeFileSync(join(machine, 'settings.json'), JSON.stringify({ 'bitnet.download.endpoint': ENDPOINT }, null, 2));
    await page.waitForTimeout(2000); // VS Code notices the settings file change

    const started = Date.now();
    await runExactCommand(page, 'BitNet: Download model');
    const progress = toast(page, 'downloading the model');
    await progress.filter({ hasText: 'try 2 of 5' }).waitFor({ timeout: 30_000 });
    await progress.hover();
    await shot('retrying');
    const text = await progress.innerText();
    expect(text.includes('127.0.0.1:9'), `the notification does not name the host:\n${text}`);
    measure('download started → "try 2 of 5" shown', Date.now() - started);

    await runExactCommand(page, 'BitNet: Use a local model file…', { opensQuickInput: true });
    // code-server's own file dialog is a quick input with the path in its box.
    const dialog = page.locator('.quick-input-widget', { hasText: 'choose a model file' });
    await dialog.waitFor();
    const input = dialog.locator('input.input');
    await page.waitForTimeout(500); // the dialog fills in its starting folder first
    await input.fill(model);
    await dialog.locator('.monaco-list-row', { hasText: 'local.gguf' }).waitFor();
    await dialog.locator('.monaco-button', { hasText: 'Use this model' }).click();
    await toast(page, 'BitNet: using local.gguf').waitFor({ timeout: 30_000 });
    await progress.waitFor({ state: 'detached', timeout: 10_000 });
    await shot('local model in use');

    // Wait until the download's retries would have run out, then look for its error.
    await page.waitForTimeout(Math.max(0, RETRIES_OVER_MS - (Date.now() - started)));
    const errors = page.locator('.notification-toast', { has: page.locator('.codicon-error') });
    if (await errors.count()) expect(false, `an error notification arrived after the local model was chosen: ${await errors.first().innerText()}`);
    const paused = toast(page, 'download paused');
    expect((await paused.count()) === 0, 'a "download paused" notification arrived although the user did not cancel');
    await shot('no late error');
  },
};

/** Like runCommand, but clicks the row with exactly this title ("Download model" also ranks "Delete downloaded model" first). */
async function runExactCommand(page, title, { opensQuickInput = false } = {}) {
  await page.keyboard.press('F1');
  const widget = page.locator('.quick-input-widget');
  await widget.waitFor();
  await page.keyboard.type(title);
  const label = widget.locator('.monaco-list-row .label-name', { hasText: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) });
  await label.first().click();
  if (!opensQuickInput) await widget.waitFor({ state: 'hidden' });
}
