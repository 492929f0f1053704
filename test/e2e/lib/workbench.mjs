// Selectors and small actions on the VS Code workbench, shared by scenarios.
// Everything here is what a user does: click, type, read what is shown.

export const EXTENSION_ID = 'bitnet-vscode.bitnet-vscode';

export async function waitForWorkbench(page, timeout = 60_000) {
  await page.locator('.monaco-workbench').waitFor({ timeout });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout });
}

/** The extension's status-bar entry (its container id ends in `bitnet.status`). */
export function statusItem(page) {
  return page.locator('.statusbar-item[id$="bitnet.status"]');
}

export async function openFile(page, name) {
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first().click();
  await page.locator(`.tab.active[aria-label^="${name}"]`).waitFor();
  await activeEditor(page).locator('.view-lines').waitFor();
}

export function activeEditor(page) {
  return page.locator('.editor-group-container.active .editor-instance .monaco-editor').first();
}

/** The text Monaco shows in the active editor (it renders spaces as U+00A0). */
export async function editorText(page) {
  const text = await activeEditor(page).locator('.view-lines').innerText();
  return text.replace(/\u00a0/g, ' ');
}

/** Runs a command from the palette (F1) by its title, e.g. "BitNet: Show stats". */
export async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const widget = page.locator('.quick-input-widget');
  await widget.waitFor();
  await page.keyboard.type(title);
  await widget.locator('.monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
  await widget.waitFor({ state: 'hidden' });
}

/** A notification toast that has finished sliding in. */
export function toast(page, text) {
  return page.locator('.notification-toast.notification-fade-in-done', { hasText: text });
}

/** Opens the BitNet activity-bar container (its title is "BitNet"). */
export async function openChatView(page) {
  const item = page.locator('.activitybar a.action-label[aria-label^="BitNet"]');
  const checked = await item.getAttribute('aria-checked');
  if (checked !== 'true') await item.click();
}

/**
 * The chat webview's document. Webviews are iframes outside the view's DOM:
 * an outer frame per view, our HTML in its inner `#active-frame`.
 */
export function chatFrame(page) {
  return page
    .frameLocator(`iframe.webview.ready[src*="extensionId=${EXTENSION_ID}"][src*="purpose=webviewView"]`)
    .frameLocator('iframe#active-frame');
}
