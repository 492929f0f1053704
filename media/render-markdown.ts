// Turns untrusted Markdown (model output, user text) into a safe DOM fragment:
// markdown-it with raw HTML off, then DOMPurify with a short allow-list, then
// each code block gets theme colours and Copy and Insert buttons. Nothing reaches the DOM
// before DOMPurify has seen it. Takes the window as a parameter so tests can
// run it on jsdom.
import MarkdownIt from 'markdown-it';
import createDOMPurify from 'dompurify';
import { highlight } from './highlight';

/** Tags markdown-it produces for CommonMark + GFM tables/strikethrough. */
const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 's', 'del', 'code', 'pre', 'blockquote',
  'ul', 'ol', 'li', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
];
const ALLOWED_ATTR = ['href', 'class', 'start', 'title'];
/**
 * Longer text is shown as plain text: markdown-it takes about 8 s on a
 * megabyte of `*a`, on the webview's main thread. A model reply is a few
 * kilobytes; this is for a huge paste or a hostile reply.
 */
export const MAX_MARKDOWN_CHARS = 64 * 1024;
/** Only web and mail links; no javascript:, data:, vbscript:, file:, command: … */
const ALLOWED_URI_REGEXP = /^(?:https?:|mailto:)/i;
/** The only class kept: the fence language on <code>, used for styling. */
const LANGUAGE_CLASS = /^language-[\w+#.-]{1,32}$/;

export interface MarkdownRenderer {
  /** Sanitized HTML string (for tests and measurement). */
  html(markdown: string): string;
  /** Sanitized fragment with code-block buttons, ready to insert. */
  fragment(markdown: string): DocumentFragment;
}

export function createRenderer(win: Window): MarkdownRenderer {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
  // Images would load remote content (and the CSP blocks them anyway): the
  // Markdown stays visible as text.
  md.disable('image');

  const purify = createDOMPurify(win as unknown as Parameters<typeof createDOMPurify>[0]);
  purify.addHook('uponSanitizeAttribute', (node, data) => {
    if (data.attrName === 'class' && !(node.nodeName === 'CODE' && LANGUAGE_CLASS.test(data.attrValue))) {
      data.keepAttr = false;
    }
  });
  const config = {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    KEEP_CONTENT: true,
  };

  const html = (markdown: string): string => purify.sanitize(toHtml(markdown), config) as string;
  const toHtml = (markdown: string): string => {
    const text = wellFormed(markdown);
    return text.length > MAX_MARKDOWN_CHARS ? plainHtml(text) : md.render(text);
  };

  return {
    html,
    fragment(markdown) {
      const fragment = purify.sanitize(toHtml(markdown), { ...config, RETURN_DOM_FRAGMENT: true }) as DocumentFragment;
      decorateCodeBlocks(fragment, win.document);
      return fragment;
    },
  };
}

/**
 * Lone surrogates become U+FFFD, as a browser shows them anyway; some HTML
 * parsers (jsdom's parse5) throw on them, and DOMPurify then returns nothing.
 */
function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** Text too long for Markdown: escaped, as one preformatted block (one text node, whatever its lines). */
function plainHtml(text: string): string {
  return `<pre>${text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)}</pre>`;
}

/** Wraps each <pre> in a .code-block with Copy and Insert buttons. */
function decorateCodeBlocks(fragment: DocumentFragment, doc: Document): void {
  for (const pre of Array.from(fragment.querySelectorAll('pre'))) {
    const block = doc.createElement('div');
    block.className = 'code-block';
    const actions = doc.createElement('div');
    actions.className = 'code-actions';
    const code = pre.querySelector('code');
    const language = code?.className.replace(/^language-/, '') ?? '';
    if (code) highlight(code, language);
    if (language) {
      const label = doc.createElement('span');
      label.className = 'code-language';
      label.textContent = language;
      actions.append(label);
    }
    actions.append(button(doc, 'copy-code', 'Copy', 'Copy code'), button(doc, 'insert-code', 'Insert', 'Insert code at cursor'));
    pre.replaceWith(block);
    block.append(actions, pre);
  }
}

function button(doc: Document, className: string, text: string, label: string): HTMLButtonElement {
  const b = doc.createElement('button');
  b.type = 'button';
  b.className = className;
  b.textContent = text;
  b.title = label;
  b.setAttribute('aria-label', label);
  return b;
}
