// The chat webview's HTML: markup only, no inline script, style or handler.
// The one script is allowed by a per-load nonce; styles only from the
// extension's own files (webview.cspSource). Plain TS so tests can load it.

/** Prompts the empty chat offers: the kind of question a small local model answers well. */
export const EXAMPLE_PROMPTS = [
  'Explain what a closure is, with a short JavaScript example.',
  'Write a Python function that checks whether a string is a palindrome.',
  'Write a regular expression that matches a date like 2024-05-31.',
];

export interface PageResources {
  nonce: string;
  /** webview.cspSource */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  /** The chat's context size, shown by the meter until the host says more. */
  contextTokens: number;
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
const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** The <body> content; the DOM ids and classes are what the e2e tests use. */
export function chatBody(contextTokens: number): string {
  const examples = EXAMPLE_PROMPTS.map((p) => `<li><button type="button" class="example secondary" data-prompt="${escapeAttr(p)}">${escapeText(p)}</button></li>`).join('\n      ');
  return `<header class="toolbar">
  <button id="history-toggle" type="button" class="secondary" aria-expanded="false" aria-controls="history" title="Conversations in this workspace">History</button>
  <div id="context-meter" class="context-meter">
    <meter id="context-meter-bar" min="0" max="${contextTokens}" value="0" aria-labelledby="context-meter-label"></meter>
    <span id="context-meter-label"></span>
  </div>
  <button id="new-chat" type="button" class="secondary" title="Start a new chat; this one stays in History">New chat</button>
</header>
<nav id="history" class="history" aria-label="Conversations" hidden>
  <p id="history-empty" class="history-empty">No saved conversations yet.</p>
  <ul id="conversation-list" class="conversation-list"></ul>
</nav>
<div id="engine-banner" class="note engine-banner" role="status" hidden>
  <p id="engine-text"></p>
  <div id="engine-actions" class="actions">
    <button id="download-model" type="button">Download model</button>
    <button id="use-local-model" type="button" class="secondary">Use a local model file…</button>
  </div>
</div>
<section id="empty-state" class="empty-state" aria-labelledby="empty-title" hidden>
  <h2 id="empty-title">Ask BitNet</h2>
  <p>BitNet runs on your CPU and never leaves your machine. It is a small model: it does best with short, focused questions, like explaining a piece of code or writing a small function, a regular expression or a shell command. Check what it writes.</p>
  <p>To ask about your code, select it and choose <strong>BitNet: Explain selection</strong> from the editor's context menu, or press <strong>Attach code</strong> below.</p>
  <ul class="examples" aria-label="Example questions">
      ${examples}
  </ul>
</section>
<main id="messages" tabindex="0" aria-label="Conversation" aria-live="off"></main>
<div id="announcer" class="visually-hidden" aria-live="polite" aria-atomic="true"></div>
<form id="composer" class="composer">
  <ul id="attachments" class="attachments" aria-label="Attached code" hidden></ul>
  <label for="input" class="visually-hidden">Message BitNet</label>
  <textarea id="input" rows="3" placeholder="Ask BitNet… (Enter to send, Shift+Enter for a new line)"></textarea>
  <div class="composer-actions">
    <button id="attach" type="button" class="secondary" title="Attach the selected code to your message, or the whole file when nothing is selected">Attach code</button>
    <span class="spacer"></span>
    <button id="stop" type="button" class="secondary" title="Stop generating (Esc)" hidden disabled>Stop</button>
    <button id="send" type="submit" title="Send (Enter)">Send</button>
  </div>
</form>`;
}

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
${chatBody(r.contextTokens)}
<script nonce="${escapeAttr(r.nonce)}" src="${escapeAttr(r.scriptUri)}"></script>
</body>
</html>`;
}
