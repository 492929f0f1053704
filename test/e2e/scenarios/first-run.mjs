// (4) With no model configured, the user gets the first-run prompt (a
// notification offering to download a model or use a local file), not an
// error with a stack trace.
import { patience } from '../lib/patience.mjs';
import { toast } from '../lib/workbench.mjs';

export default {
  id: 'first-run',
  profile: 'no-model',
  title: 'with no model configured, the first-run prompt offers Download / Use a local file… / Not now',
  async run({ page, shot, expect, measure }) {
    const started = Date.now();
    const prompt = toast(page, 'BitNet');
    await prompt.waitFor({ timeout: patience(30_000) });
    measure('scenario start → prompt shown', Date.now() - started);
    // Toasts without an error hide themselves after ~15 s unless the pointer is on them.
    await prompt.hover();
    await shot('prompt');
    const buttons = (await prompt.locator('.monaco-button').allInnerTexts()).map((t) => t.trim());
    for (const label of ['Download', 'Use a local file…', 'Not now']) {
      expect(buttons.includes(label), `the prompt has no "${label}" button; it has: ${JSON.stringify(buttons)}`);
    }
    const text = await prompt.innerText();
    expect(!/\n\s+at |Error:/.test(text), `the prompt shows an error or a stack trace:\n${text}`);
    const errors = page.locator('.notification-toast', { has: page.locator('.codicon-error') });
    if (await errors.count()) expect(false, `an error notification is shown: ${await errors.first().innerText()}`);

    const clicked = Date.now();
    await prompt.locator('.monaco-button', { hasText: 'Not now' }).click();
    await prompt.waitFor({ state: 'detached' });
    measure('Not now → prompt gone', Date.now() - clicked);
    await shot('dismissed');
  },
};
