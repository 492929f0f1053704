// Everything the BitNet status-bar item said, from the page's first DOM on:
// each change of its text, icons or accessible label (VS Code puts the
// tooltip there) with the wall-clock time the page saw it. A status shown
// for a single frame is caught too: a MutationObserver sees every change.
import { STATUS_ITEM } from './workbench.mjs';

const KEY = '__bitnetStatusHistory';

/** Starts recording in every page load of `page`; call it before page.goto. */
export async function recordStatusHistory(page) {
  await page.addInitScript(({ selector, key }) => {
    if (window.top !== window) return; // webviews and other frames
    const history = [];
    window[key] = history;
    let item = null;
    let last = '';
    const sample = () => {
      // The item is looked up again only when it is gone (it may be re-created):
      // a search of the whole workbench on every change would load a busy machine.
      if (!item?.isConnected) item = document.querySelector(selector);
      const seen = item
        ? {
          text: (item.textContent ?? '').trim(),
          icons: [...item.querySelectorAll('.codicon')].flatMap((i) => [...i.classList].filter((c) => c.startsWith('codicon-') && c !== 'codicon-modifier-spin')),
          label: item.getAttribute('aria-label') ?? '',
        }
        : { absent: true };
      const json = JSON.stringify(seen);
      if (json === last) return;
      last = json;
      history.push({ at: Date.now(), ...seen });
    };
    sample();
    new MutationObserver(sample).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  }, { selector: STATUS_ITEM, key: KEY });
}

/** The samples so far: { at (ms since the epoch), text, icons, label } or { at, absent }. */
export function readStatusHistory(page) {
  return page.evaluate((key) => window[key] ?? [], KEY);
}

/**
 * What a sample says, in words a user reads: 'loading-model', 'error',
 * 'ready', 'absent' or 'other' (reading context, generating, inline off…).
 * Icon names are dropped from the label first ("loading~spin" is an icon,
 * not a statement that the model is loading).
 */
export function statusState(sample) {
  if (sample.absent) return 'absent';
  // VS Code spells each icon of the text once, by name, where it stands in the text.
  const words = sample.label.split(/\s+/);
  for (const icon of sample.icons) {
    const at = words.findIndex((w) => w.replace(/~[\w-]+$/, '') === icon.slice('codicon-'.length));
    if (at >= 0) words.splice(at, 1);
  }
  const said = words.join(' ');
  if (/\bloading\b.*\bmodel\b/i.test(said)) return 'loading-model';
  if (sample.icons.includes('codicon-error') || /\berror\b/i.test(said)) return 'error';
  if (/\bready\b/i.test(said)) return 'ready';
  return 'other';
}

/** Waits until the item says `state`; returns that sample or undefined after `timeoutMs`. */
export async function waitForStatus(page, state, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await readStatusHistory(page)).find((s) => statusState(s) === state);
    if (found || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The history as one line: each change of state with its time after `t0`, e.g. "loading-model +13.6 s → ready +30.6 s". */
export function describeHistory(history, t0 = history[0]?.at ?? 0) {
  const steps = [];
  for (const s of history) {
    const state = statusState(s);
    if (steps.at(-1)?.state !== state) steps.push({ state, at: s.at });
  }
  return steps.map((s) => `${s.state} +${((s.at - t0) / 1000).toFixed(1)} s`).join(' → ');
}
