// How long the harness waits for something a user would eventually see.
//
// On a busy machine everything here runs slower: code-server, Chromium, the
// extension host and the engine worker share the CPUs with whatever else is
// running, and a wait sized for an idle machine times out although nothing is
// wrong. So every wait is written for an idle machine and stretched by the
// slowdown measured now: the wall time a short busy loop of this process
// takes per unit of CPU time it gets (2 on a machine whose cores are all busy
// with one other process each). Measurements of speed that a scenario asserts
// (the responsive scenario's keystroke latency) are not stretched.
//
// E2E_SLOWDOWN=3 fixes the factor instead of measuring it.

const MAX_SLOWDOWN = 10;
const fixed = Number(process.env.E2E_SLOWDOWN);
let slowdown = 1;

/** Measures the slowdown (about 0.3 s of spinning), keeps it for patience(), and returns it. */
export function measureSlowdown(spinMs = 300) {
  if (fixed > 0) return (slowdown = fixed);
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  while (performance.now() - start < spinMs) {
    // spin: how much of this wall time the OS gives us is the measurement
  }
  const { user, system } = process.cpuUsage(cpu0);
  const cpuMs = (user + system) / 1000;
  slowdown = Math.min(MAX_SLOWDOWN, Math.max(1, (performance.now() - start) / Math.max(cpuMs, 1)));
  return slowdown;
}

/** `ms` (an idle machine's wait) stretched by the last measured slowdown. */
export function patience(ms) {
  return Math.round(ms * slowdown);
}

/** The last measured slowdown, for reports. */
export function currentSlowdown() {
  return slowdown;
}
