// The chat webview's HTML: markup only, no inline script, style or handler.
// The one script is allowed by a per-load nonce; styles only from the
// extension's own files (webview.cspSource). Plain TS so tests can load it.
import { CONTEXT_TOKENS } from './messages';

export interface PageResources {
  nonce: string;
  /** webview.cspSource */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
}

export function contentSecurityPolicy(r: Pick<PageResources, 'nonce' | 'cspSource'>): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${r.nonce}'`,
    `style-src ${r.cspSource}`,
    `font-src ${r.cspSource}`,
    `img-src ${r.cspSource} data:`,
  ].join('; ');
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The <body> content; the DOM ids and classes are what the e2e tests use. */
export const CHAT_BODY = `<header class="toolbar">
  <div id="context-meter" class="context-meter">
    <meter id="context-meter-bar" min="0" max="${CONTEXT_TOKENS}" value="0" aria-labelledby="context-meter-label"></meter>
    <span id="context-meter-label">0 / ${CONTEXT_TOKENS} tokens</span>
  </div>
  <button id="new-chat" type="button" class="secondary" title="Start a new chat">New chat</button>
</header>
<div id="engine-banner" class="note engine-banner" role="status" hidden>
  <p id="engine-text"></p>
  <div id="engine-actions" class="actions">
    <button id="download-model" type="button">Download model</button>
    <button id="use-local-model" type="button" class="secondary">Use a local model file…</button>
  </div>
</div>
<main id="messages" tabindex="0" aria-label="Conversation" aria-live="off"></main>
<div id="announcer" class="visually-hidden" aria-live="polite" aria-atomic="true"></div>
<form id="composer" class="composer">
  <label for="input" class="visually-hidden">Message BitNet</label>
  <textarea id="input" rows="3" placeholder="Ask BitNet… (Enter to send, Shift+Enter for a new line)"></textarea>
  <div class="composer-actions">
    <button id="stop" type="button" class="secondary" title="Stop generating (Esc)" hidden disabled>Stop</button>
    <button id="send" type="submit" title="Send (Enter)">Send</button>
  </div>
</form>`;

export function chatPage(r: PageResources): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(r))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(r.styleUri)}">
<title>BitNet chat</title>
</head>
<body>
${CHAT_BODY}
<script nonce="${escapeAttr(r.nonce)}" src="${escapeAttr(r.scriptUri)}"></script>
</body>
</html>`;
}
