// The UI driver: installs the packaged VSIX into fresh code-server profiles
// and runs the scenarios in Chromium. Scenarios that need the same profile
// (with a model configured, or with none) share one server and one page.
//
//   node e2e.mjs                 the enabled scenarios (scenarios/index.mjs)
//   node e2e.mjs inline chat     just these, enabled or not
//   node e2e.mjs --no-build      reuse the VSIX from the last `npm run package`
//
// Screenshots, the extension host log and the server log go to out/<profile>/.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, newPage } from './lib/browser.mjs';
import { copyLogs, createProfile, installExtension, removeProfile, startCodeServer, workbenchUrl, writeSettings } from './lib/code-server.mjs';
import { measureSlowdown, patience } from './lib/patience.mjs';
import { cachedModel, makeModel, outRoot, packageVsix, vsixPath } from './lib/project.mjs';
import { statusItem, waitForWorkbench } from './lib/workbench.mjs';
import { WORKSPACE_FILES } from './lib/workspace.mjs';
import { ALL, ENABLED } from './scenarios/index.mjs';

/**
 * Per profile, the model file it uses and its settings. `with-model` points
 * bitnet.modelPath at a tiny model with random weights, which never ends a
 * turn: long chat replies keep a reply streaming while a slow machine
 * catches up (scenarios press Stop). `with-2b4t-model` is what a new user
 * has: a model of the real size (random weights, 1.19 GB, kept between runs
 * in the model cache) and default settings.
 */
const PROFILES = {
  'no-model': { settings: () => ({}) },
  'with-model': {
    model: (root) => makeModel(join(root, 'tiny.gguf')),
    settings: (model) => ({ 'bitnet.modelPath': model, 'bitnet.chat.maxTokens': 4096 }),
  },
  // A model is on disk, but bitnet.modelPath is set only after the extension has started.
  'late-model': { model: (root) => makeModel(join(root, 'tiny.gguf')), settings: () => ({}) },
  'with-2b4t-model': {
    model: () => cachedModel('2b4t'),
    settings: (model) => ({ 'bitnet.modelPath': model }),
  },
};

const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

function chooseScenarios(ids) {
  if (!ids.length) return ALL.filter((s) => ENABLED.includes(s.id));
  return ids.map((id) => ALL.find((s) => s.id === id) ?? fail(`no scenario "${id}"; known: ${ALL.map((s) => s.id).join(', ')}`));
}

function fail(message) {
  console.error(message);
  process.exit(2);
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

const running = new Set();
process.on('SIGINT', async () => {
  await Promise.all([...running].map((stop) => stop()));
  process.exit(130);
});

async function runSession(browser, name, scenarios, vsix) {
  const out = join(outRoot, name);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const timings = {};
  const results = [];
  const started = Date.now();

  // How busy the machine is decides how long the waits below are (lib/patience.mjs).
  const slowdown = measureSlowdown();
  const profile = createProfile();
  let server;
  let context;
  let consoleErrors = [];
  try {
    const { model: makeProfileModel, settings } = PROFILES[name];
    let model;
    if (makeProfileModel) {
      const made = makeProfileModel(profile.root);
      timings['make model'] = made.ms;
      model = made.model;
    }
    writeSettings(profile, settings(model));
    const workspace = join(profile.root, 'ws');
    mkdirSync(workspace);
    for (const [file, text] of Object.entries(WORKSPACE_FILES)) writeFileSync(join(workspace, file), text);

    let t = Date.now();
    installExtension(profile, vsix);
    timings['install vsix'] = Date.now() - t;

    t = Date.now();
    server = await startCodeServer(profile);
    running.add(server.stop);
    timings['server → healthz'] = Date.now() - t;

    t = Date.now();
    const opened = await newPage(browser);
    context = opened.context;
    consoleErrors = opened.consoleErrors;
    const { page, offHost } = opened;
    page.setDefaultTimeout(patience(15_000));
    // Scenarios that watch the page from its first DOM on start watching here.
    for (const scenario of scenarios) await scenario.beforeLoad?.({ page });
    await page.goto(workbenchUrl(server, workspace));
    await waitForWorkbench(page);
    timings['page → workbench'] = Date.now() - t;
    await statusItem(page).waitFor({ timeout: patience(60_000) });
    timings['page → extension active'] = Date.now() - t;

    let n = 0;
    for (const scenario of scenarios) {
      const notes = [];
      const measures = {};
      const shot = async (label) => {
        n++;
        await page.screenshot({ path: join(out, `${String(n).padStart(2, '0')}-${scenario.id}-${label}.png`) });
      };
      // Waits stretch with how busy the machine is now (lib/patience.mjs).
      const slowdown = measureSlowdown();
      page.setDefaultTimeout(patience(15_000));
      if (slowdown > 1.2) notes.push(`machine slowdown ×${slowdown.toFixed(1)}: waits stretched to match`);
      const s = Date.now();
      try {
        await scenario.run({
          page, server, profile, workspace, shot, expect,
          note: (text) => notes.push(text),
          measure: (label, ms) => { measures[label] = ms; },
        });
        results.push({ id: scenario.id, title: scenario.title, ok: true, ms: Date.now() - s, notes, measures });
      } catch (err) {
        await shot('failure').catch(() => {});
        results.push({ id: scenario.id, title: scenario.title, ok: false, ms: Date.now() - s, notes, measures, error: err.message });
      }
    }
    results.push({
      id: `${name}: no requests leave 127.0.0.1`,
      ok: offHost.length === 0,
      ms: 0, notes: [], measures: {},
      error: offHost.length ? `the workbench requested:\n${[...new Set(offHost)].join('\n')}` : undefined,
    });
  } catch (err) {
    results.push({ id: `${name}: session start`, ok: false, ms: Date.now() - started, notes: [], measures: {}, error: err.message });
  } finally {
    await context?.close().catch(() => {});
    if (server) {
      await server.stop();
      running.delete(server.stop);
    }
    copyLogs(profile, server, out);
    writeFileSync(join(out, 'console-errors.log'), consoleErrors.join('\n'));
    removeProfile(profile);
  }
  timings.total = Date.now() - started;
  return { name, results, timings, slowdown };
}

function report(sessions) {
  let passed = 0;
  let failed = 0;
  for (const { name, results, timings, slowdown } of sessions) {
    const busy = slowdown > 1.2 ? ` (machine slowdown ×${slowdown.toFixed(1)} at the start: waits stretched to match)` : '';
    console.log(`\n[${name}] ${Object.entries(timings).map(([k, v]) => `${k} ${secs(v)}`).join(', ')}${busy}`);
    for (const r of results) {
      r.ok ? passed++ : failed++;
      console.log(`  ${r.ok ? '✓' : '✗'} ${r.id}${r.ms ? ` (${secs(r.ms)})` : ''}${r.title ? `: ${r.title}` : ''}`);
      for (const note of r.notes) console.log(`      ${note}`);
      for (const [label, ms] of Object.entries(r.measures)) console.log(`      ${label}: ${ms} ms`);
      if (!r.ok) console.log(`      ${r.error.split('\n').join('\n      ')}`);
    }
  }
  console.log(`\nUI scenarios: ${passed} passed, ${failed} failed (artifacts in ${outRoot})`);
  return failed;
}

async function main() {
  const argv = process.argv.slice(2);
  const scenarios = chooseScenarios(argv.filter((a) => !a.startsWith('--')));
  console.log(`scenarios: ${scenarios.map((s) => s.id).join(', ')}`);
  const started = Date.now();

  let vsix = vsixPath;
  if (!argv.includes('--no-build') || !existsSync(vsix)) {
    const built = packageVsix();
    vsix = built.vsix;
    console.log(`npm run package: ${secs(built.ms)}`);
  }

  const byProfile = new Map();
  for (const s of scenarios) byProfile.set(s.profile, [...(byProfile.get(s.profile) ?? []), s]);

  const browser = await launchBrowser();
  const sessions = [];
  try {
    for (const [name, list] of byProfile) sessions.push(await runSession(browser, name, list, vsix));
  } finally {
    await browser.close();
  }
  const failed = report(sessions);
  mkdirSync(outRoot, { recursive: true });
  writeFileSync(join(outRoot, 'results.json'), JSON.stringify(sessions, null, 2));
  console.log(`UI run: ${secs(Date.now() - started)}`);
  process.exitCode = failed ? 1 : 0;
}

await main();
