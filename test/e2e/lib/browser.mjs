// Debian's Chromium driven by playwright-core, kept off the network.
import { chromium } from 'playwright-core';

export const chromiumPath = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--disable-features=AutofillServerCommunication,OptimizationHints,OptimizationGuideModelDownloading,MediaRouter,Translate',
  '--disable-client-side-phishing-detection',
  '--disable-domain-reliability',
  '--no-pings',
  // Without this Chromium still resolves Google hosts despite the flags
  // above. EXCLUDE keeps 127.0.0.1 itself working.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

export function launchBrowser() {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
}

/**
 * A page at 1400×900 that records every request leaving 127.0.0.1 (there
 * should be none) and the page's console errors.
 */
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const offHost = [];
  const consoleErrors = [];
  // Webview resources use a virtual origin, <authority>.vscode-resource.vscode-cdn.net,
  // that the webview's service worker answers from the extension's files:
  // those requests never reach DNS or the network.
  context.on('request', (req) => {
    const { protocol, hostname } = new URL(req.url());
    if (!/^(https?|wss?):$/.test(protocol) || hostname === '127.0.0.1') return;
    if (hostname.endsWith('.vscode-resource.vscode-cdn.net')) return;
    offHost.push(req.url());
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  return { context, page, offHost, consoleErrors };
}
