// (6) Inline completion with a model of the real size, as a new user meets it
// (issue 14): open a 150-line TypeScript file, go to a place, type, pause: a
// suggestion appears there; jump to another place, rest, type, pause: one
// appears there too. The status-bar item, watched from the page's first DOM
// to the last suggestion, never says "ready" before the model is loaded.
// Time limits are generous: this asserts behaviour, test/bench measures speed.
import { activationTime } from '../lib/code-server.mjs';
import { extensionId } from '../lib/project.mjs';
import { describeHistory, readStatusHistory, recordStatusHistory, statusState, waitForStatus } from '../lib/status-history.mjs';
import { activeEditor, editorText, goToLine, openFile, runCommand } from '../lib/workbench.mjs';
import { WORKSPACE_FILES } from '../lib/workspace.mjs';

const FILE = 'inventory.ts';
/** The longest wait for the model to load, and for a suggestion after a pause. */
const LIMIT_MS = 120_000;
/** A user types about 8 characters a second. */
const KEY_DELAY_MS = 125;
/** How long the cursor rests at a new place before the user types there. */
const REST_MS = 2_000;

/**
 * Where the user types: a new line after the line `after`, starting with
 * `typed` (no brackets or quotes, which the editor would close after the
 * cursor). The second place is a jump from the first.
 */
const PLACES = [
  { what: 'a new statement in Inventory.adjust()', after: '    const difference = counted - item.quantity;', typed: 'const unchanged = ' },
  { what: 'after a jump to formatItem() at the end of the file', after: '  const price = item.unitPrice.toFixed(2);', typed: 'const stock = ' },
];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** The 1-based line of the file, as opened, that is exactly `text`. */
function lineOf(text) {
  const at = WORKSPACE_FILES[FILE].split('\n').indexOf(text);
  if (at < 0) throw new Error(`${FILE} has no line ${JSON.stringify(text)}`);
  return at + 1;
}

/**
 * The cursor line's text and the ghost text shown, if any, with where it
 * stands: on the cursor line, or in the block of lines just below it.
 */
function cursorAndGhost(editor) {
  return editor.evaluate((ed) => {
    const nbsp = (s) => (s ?? '').replace(/\u00a0/g, ' ');
    const cursor = ed.querySelector('.cursors-layer .cursor')?.getBoundingClientRect();
    if (!cursor) return { line: undefined };
    const line = [...ed.querySelectorAll('.view-lines > .view-line')].find((l) => Math.abs(l.getBoundingClientRect().top - cursor.top) < cursor.height / 2);
    const inline = [...ed.querySelectorAll('.ghost-text-decoration')].map((e) => e.textContent).join('');
    const below = [...ed.querySelectorAll('.ghost-text .view-line')].map((e) => e.textContent);
    const text = nbsp([inline, ...below].join('\n'));
    const first = ed.querySelector('.ghost-text-decoration, .ghost-text')?.getBoundingClientRect();
    const there = !!first && first.top > cursor.top - cursor.height / 2 && first.top < cursor.top + cursor.height * 1.5;
    return { line: nbsp(line?.textContent), ghost: text.trim() ? { text, there } : undefined };
  });
}

/** Polls until ghost text shows, for at most `timeoutMs`; returns it ({ text, there }) or undefined. */
async function waitForGhost(editor, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { ghost } = await cursorAndGhost(editor);
    if (ghost || Date.now() > deadline) return ghost;
    await sleep(100);
  }
}

/** Goes to the place (Ctrl+G), opens a new line after it, rests, types; returns the line number typed on. */
async function typeAt(page, editor, place, linesAdded) {
  const line = lineOf(place.after) + linesAdded;
  await goToLine(page, line);
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await sleep(REST_MS);
  await page.keyboard.type(place.typed, { delay: KEY_DELAY_MS });
  // A check of the harness: the text went where the user meant it to go (a
  // busy machine may render the last keys a moment later).
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { line: shown } = await cursorAndGhost(editor);
    if (shown?.trimEnd().endsWith(place.typed.trimEnd())) return line + 1;
    if (Date.now() > deadline) {
      throw new Error(`typing went astray: the cursor line (${line + 1}) reads ${JSON.stringify(shown)}, expected it to end with ${JSON.stringify(place.typed)}`);
    }
    await sleep(100);
  }
}

/** What "BitNet: Show stats" says: how long the model took to load, and the last completion. */
async function showStats(page) {
  await runCommand(page, 'BitNet: Show stats');
  await page.locator('.view-lines', { hasText: 'Last requests' }).first().waitFor({ timeout: 60_000 });
  const text = await editorText(page);
  const loaded = /Loaded in\s*(\d+)\s*ms/.exec(text);
  // Markdown wraps long lines: the pieces of the completion line are joined again.
  const completion = /- Completion: ([\s\S]*?)(?=\n- |\n#|$)/.exec(text)?.[1].replace(/\n/g, '');
  return { text, loadMs: loaded ? Number(loaded[1]) : undefined, completion };
}

export default {
  id: 'inline-2b4t',
  profile: 'with-2b4t-model',
  title: 'with the real-size model, a pause after typing in a 150-line TypeScript file shows ghost text, also after a jump, and the status bar never says ready before the model is loaded',
  beforeLoad: ({ page }) => recordStatusHistory(page),
  async run({ page, profile, shot, expect, note, measure }) {
    const problems = [];
    await openFile(page, FILE);
    const editor = activeEditor(page);

    // The user starts when the status bar says the model is ready.
    const ready = await waitForStatus(page, 'ready', LIMIT_MS);
    const t0 = (await readStatusHistory(page))[0].at;
    expect(ready, `the status bar did not say ready within ${secs(LIMIT_MS)}: ${describeHistory(await readStatusHistory(page), t0)}`);
    note(`status bar first said ready ${secs(ready.at - t0)} after page load: ${JSON.stringify(ready.label)}`);
    await shot('ready');

    let linesAdded = 0;
    for (const [n, place] of PLACES.entries()) {
      const line = await typeAt(page, editor, place, linesAdded);
      linesAdded++;
      const paused = Date.now();
      const ghost = await waitForGhost(editor, LIMIT_MS);
      if (!ghost) {
        const now = (await readStatusHistory(page)).at(-1);
        problems.push(`no ghost text within ${secs(LIMIT_MS)} of the pause after typing ${JSON.stringify(place.typed)} on line ${line} (${place.what}); the status bar says ${JSON.stringify(now?.label)}`);
        await shot(`no-suggestion-${n + 1}`);
        continue;
      }
      measure(`pause → ghost text, ${place.what}`, Date.now() - paused);
      note(`ghost text on line ${line}: ${JSON.stringify(ghost.text.length > 80 ? `${ghost.text.slice(0, 80)}…` : ghost.text)}`);
      await shot(`suggestion-${n + 1}`);
      if (!ghost.there) problems.push(`the ghost text after typing on line ${line} is not at the cursor`);
      await page.keyboard.press('Escape');
    }

    // The status bar from page load to here, against the extension's own word
    // on when the model could have been loaded.
    const history = await readStatusHistory(page);
    note(`status bar: ${describeHistory(history, t0)}`);
    const firstReady = history.find((s) => statusState(s) === 'ready');
    const reloading = history.find((s) => s.at > firstReady.at && statusState(s) === 'loading-model');
    if (reloading) {
      problems.push(`the status bar said ready at +${secs(firstReady.at - t0)} and then loading the model at +${secs(reloading.at - t0)} (${JSON.stringify(reloading.label)}): it said ready before the model was loaded`);
    }
    const error = history.find((s) => statusState(s) === 'error');
    if (error) problems.push(`the status bar showed an error at +${secs(error.at - t0)}: ${JSON.stringify(error.label)}`);

    const stats = await showStats(page);
    await shot('stats');
    if (stats.completion) note(`Show stats, last completion: ${stats.completion}`);
    const activated = activationTime(profile, extensionId);
    expect(activated, 'the extension host log does not say when the extension was activated');
    if (stats.loadMs === undefined) {
      problems.push(`Show stats does not say the model is loaded:\n${stats.text}`);
    } else {
      // The model cannot have been loaded before activation + its load time.
      const loadedNoEarlier = activated + stats.loadMs;
      note(`extension activated +${secs(activated - t0)}, model load took ${stats.loadMs} ms (Show stats)`);
      if (firstReady.at < loadedNoEarlier) {
        problems.push(`the status bar said ready at +${secs(firstReady.at - t0)}, but the extension was activated at +${secs(activated - t0)} and took ${stats.loadMs} ms to load the model: it was not loaded before +${secs(loadedNoEarlier - t0)}`);
      }
    }
    expect(problems.length === 0, problems.join('\n'));
  },
};
