// (0) The extension activates, its status-bar item shows the engine ready
// (the worker loaded the native addon), and "BitNet: Show stats" opens a
// document with the CPU features the addon detected.
import { readFileSync } from 'node:fs';
import { patience } from '../lib/patience.mjs';
import { editorText, runCommand, statusItem } from '../lib/workbench.mjs';

function cpuFlags() {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'));
    return new Set((line ?? '').split(':')[1]?.trim().split(/\s+/) ?? []);
  } catch {
    return new Set();
  }
}

export default {
  id: 'activation',
  // With a model configured: without one the status bar rightly shows "no model".
  profile: 'with-model',
  title: 'the extension activates, the engine is ready, and Show stats lists the CPU features',
  async run({ page, shot, expect, note }) {
    const item = statusItem(page);
    await item.waitFor();
    await item.locator('.codicon-loading').waitFor({ state: 'detached', timeout: patience(30_000) });
    expect(await item.locator('.codicon-error').count() === 0, `the status bar shows an error: ${await item.getAttribute('aria-label')}`);
    // $(sparkle) is the ready state ($(cloud-download) would mean "no model").
    await item.locator('.codicon-sparkle').waitFor({ timeout: patience(5_000) });
    note(`status bar: "${(await item.innerText()).trim()}"`);
    await shot('status-ready');

    await runCommand(page, 'BitNet: Show stats');
    await page.locator('.tab.active', { hasText: 'BitNet stats' }).waitFor();
    await page.locator('.view-lines', { hasText: 'features:' }).first().waitFor();
    const text = await editorText(page);
    await shot('stats');
    expect(text.includes('# BitNet stats'), `the stats document has no title:\n${text}`);
    const cpu = /CPU: (\d+) cores \((\d+) threads\), features: (.*)/.exec(text);
    expect(cpu, `the stats document has no CPU line:\n${text}`);
    note(cpu[0]);
    // Cross-check with what the kernel reports for this machine.
    const flags = cpuFlags();
    if (flags.has('avx2')) expect(cpu[3].includes('avx2'), `this CPU has AVX2 but stats say "${cpu[3]}"`);
    if (flags.has('avx512_vnni')) expect(cpu[3].includes('avx512vnni'), `this CPU has AVX-512 VNNI but stats say "${cpu[3]}"`);
  },
};
