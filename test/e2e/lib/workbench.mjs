// Selectors and small actions on the VS Code workbench, shared by scenarios.
// Everything here is what a user does: click, type, read what is shown.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { patience } from './patience.mjs';
import { extensionId } from './project.mjs';

export async function waitForWorkbench(page, timeout = patience(60_000)) {
  await page.locator('.monaco-workbench').waitFor({ timeout });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout });
}

/** The extension's status-bar entry: its container id ends in `bitnet.status`. */
export const STATUS_ITEM = '.statusbar-item[id$="bitnet.status"]';

export function statusItem(page) {
  return page.locator(STATUS_ITEM);
}

/**
 * Opens a workspace file with Quick Open (Ctrl+P), whatever the side bar
 * shows. Focus first goes back to the editor area: keys typed while a
 * webview has focus go to the webview.
 */
export async function openFile(page, name) {
  await focusEditorArea(page);
  await page.keyboard.press('Control+P');
  const widget = page.locator('.quick-input-widget');
  await widget.waitFor();
  await page.keyboard.type(name);
  // Enter opens the focused row: wait until filtering has put the file there.
  await widget.locator('.monaco-list-row.focused', { hasText: name }).waitFor();
  await page.keyboard.press('Enter');
  await widget.waitFor({ state: 'hidden' });
  await page.locator(`.tab.active[aria-label^="${name}"]`).waitFor();
  await activeEditor(page).locator('.view-lines').waitFor();
}

/** Clicks the empty lower part of the active editor group. */
async function focusEditorArea(page) {
  const group = page.locator('.part.editor .editor-group-container.active');
  const box = await group.boundingBox();
  if (box) await page.mouse.click(box.x + box.width / 2, box.y + box.height - 20);
}

/** Go to Line (Ctrl+G): puts the cursor on line `line` (1-based) of the active editor. */
export async function goToLine(page, line) {
  await page.keyboard.press('Control+G');
  const widget = page.locator('.quick-input-widget');
  await widget.waitFor();
  await page.keyboard.type(String(line));
  await page.keyboard.press('Enter');
  await widget.waitFor({ state: 'hidden' });
}

export function activeEditor(page) {
  return page.locator('.editor-group-container.active .editor-instance .monaco-editor').first();
}

/**
 * The text Monaco shows in the active editor, line by line (for files that
 * fit on screen). Line elements are absolutely positioned and not kept in
 * document order, so sort them by their offset; spaces render as U+00A0.
 */
export async function editorText(page) {
  const lines = await activeEditor(page).locator('.view-lines > .view-line').evaluateAll((els) =>
    els.map((el) => ({ top: parseFloat(el.style.top) || 0, text: el.textContent ?? '' })),
  );
  return lines.sort((a, b) => a.top - b.top).map((l) => l.text.replace(/\u00a0/g, ' ')).join('\n');
}

/** Runs a command from the palette (F1) by its title, e.g. "BitNet: Show stats". */
export async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const widget = page.locator('.quick-input-widget');
  await widget.waitFor();
  await page.keyboard.type(title);
  // Enter runs the focused row: on a busy machine the filter may not have put
  // the command there yet when its row first shows.
  await widget.locator('.monaco-list-row.focused', { hasText: title }).waitFor();
  await page.keyboard.press('Enter');
  await widget.waitFor({ state: 'hidden' });
}

/** A notification toast that has finished sliding in. */
export function toast(page, text) {
  return page.locator('.notification-toast.notification-fade-in-done', { hasText: text });
}

/**
 * Shows the BitNet side bar (activity-bar container "BitNet", view "Chat").
 * Clicking the icon of the container already shown would close it, so look first.
 */
export async function openChatView(page) {
  const title = page.locator('.part.sidebar .composite.title', { hasText: /bitnet/i });
  if (await title.isVisible()) return;
  await page.locator('.activitybar a.action-label[aria-label^="BitNet"]').click();
  await title.waitFor();
}

/**
 * The chat webview's document. Webviews are iframes outside the view's DOM:
 * an outer frame per webview, our HTML in its inner `#active-frame`. The
 * outer src names the extension; a `purpose` is not always there (a view
 * re-created by a command has none), and a hidden webview may linger, so
 * take the visible one.
 */
export function chatFrame(page) {
  return page
    .locator(`iframe.webview.ready[src*="extensionId=${extensionId}"]`)
    .filter({ visible: true })
    .contentFrame()
    .locator('iframe#active-frame')
    .contentFrame();
}

/** Right-clicks the active editor's text and returns the context menu once it shows. */
export async function openEditorContextMenu(page) {
  await activeEditor(page).locator('.view-lines').click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu');
  await menu.waitFor();
  return menu;
}

/** The editor tabs whose label starts with `name`. */
export function tabs(page, name) {
  return page.locator(`.tab[aria-label^="${name}"]`);
}

/** Reads the user settings.json of a profile (the harness writes it as plain JSON). */
export function readUserSettings(profile) {
  return JSON.parse(readFileSync(join(profile.userDataDir, 'User', 'settings.json'), 'utf8'));
}

/**
 * Sets a text setting in the Settings editor, as a user would, and closes
 * the editor. `remote` picks the Remote tab: settings of the machine the
 * extension host runs on, which override the user's.
 */
export async function setTextSetting(page, key, value, { remote = false } = {}) {
  await runCommand(page, 'Preferences: Open Settings (UI)');
  const search = page.locator('.settings-editor .suggest-input-container .monaco-editor textarea').first();
  await search.waitFor();
  if (remote) await page.locator('.settings-editor .settings-tabs-widget .action-label', { hasText: /^Remote/ }).click();
  await search.fill(`@id:${key}`);
  const input = page.locator(`.settings-editor .setting-item-control input[aria-label="${key}"]`);
  await input.waitFor({ timeout: 15_000 });
  await input.fill(value);
  await input.press('Tab');
  // The editor writes the value after a short pause.
  await page.waitForTimeout(1000);
  await page.keyboard.press('Control+W');
}
