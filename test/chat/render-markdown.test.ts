import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { createRenderer } from '../../media/render-markdown';

const dom = new JSDOM('<!DOCTYPE html><body></body>');
const win = dom.window as unknown as Window;
const renderer = createRenderer(win);

/** Renders into a real (jsdom) element and returns it, the way the view does. */
function rendered(markdown: string): HTMLElement {
  const host = win.document.createElement('div');
  host.append(renderer.fragment(markdown));
  return host;
}

/** Everything that would run script or load something the user did not ask for. */
function assertInert(host: HTMLElement, payload: string): void {
  const forbidden = host.querySelectorAll('script, iframe, object, embed, style, svg, math, img, form, input, link, meta, base, video, audio');
  assert.equal(forbidden.length, 0, `dangerous element survived for ${JSON.stringify(payload)}: ${host.innerHTML}`);
  for (const el of Array.from(host.querySelectorAll('*'))) {
    for (const attr of Array.from(el.attributes)) {
      assert.ok(!/^on/i.test(attr.name), `handler ${attr.name} survived for ${JSON.stringify(payload)}`);
      assert.ok(!['style', 'src', 'srcdoc', 'formaction', 'xlink:href', 'action'].includes(attr.name), `${attr.name} survived for ${JSON.stringify(payload)}`);
    }
    const href = el.getAttribute('href');
    if (href !== null) assert.match(href, /^(https?:|mailto:)/i, `link ${href} survived for ${JSON.stringify(payload)}`);
  }
}

const hostile: Array<[string, string]> = [
  ['script tag', '<script>alert(1)</script>'],
  ['script tag mid-paragraph', 'hello <script src="https://evil.example/x.js"></script> world'],
  ['img onerror', '<img src=x onerror="alert(1)">'],
  ['svg with script', '<svg><script>alert(1)</script></svg>'],
  ['svg onload', '<svg onload=alert(1)><circle r="5"/></svg>'],
  ['svg foreignObject', '<svg><foreignObject><iframe src="javascript:alert(1)"></iframe></foreignObject></svg>'],
  ['iframe', '<iframe src="https://evil.example"></iframe>'],
  ['iframe srcdoc', '<iframe srcdoc="<script>alert(1)</script>"></iframe>'],
  ['style tag', '<style>body{display:none}</style>'],
  ['style attribute', '<p style="position:fixed;top:0">x</p>'],
  ['markdown javascript: link', '[click me](javascript:alert(1))'],
  ['markdown javascript: link with entities', '[click](jav&#x61;script:alert(1))'],
  ['markdown javascript: link with spaces', '[click]( javascript:alert(1) )'],
  ['markdown vbscript: link', '[click](vbscript:msgbox(1))'],
  ['markdown data: link', '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
  ['markdown data: image', '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)'],
  ['markdown remote image (tracking pixel)', '![pixel](https://evil.example/p.png)'],
  ['markdown image with onerror in title', '![a](x "\\" onerror=\\"alert(1))'],
  ['markdown file: link', '[passwd](file:///etc/passwd)'],
  ['markdown command: link', '[run](command:workbench.action.terminal.new)'],
  ['reference-style javascript: link', '[x][1]\n\n[1]: javascript:alert(1)'],
  ['autolink javascript:', '<javascript:alert(1)>'],
  ['html anchor javascript:', '<a href="javascript:alert(1)">x</a>'],
  ['object / embed', '<object data="x.swf"></object><embed src="x.swf">'],
  ['form with formaction', '<form><button formaction="javascript:alert(1)">x</button></form>'],
  ['meta refresh', '<meta http-equiv="refresh" content="0;url=https://evil.example">'],
  ['base tag', '<base href="https://evil.example/">'],
  ['math with link', '<math><mtext><a href="javascript:alert(1)">x</a></mtext></math>'],
  ['entity-encoded script', '&lt;script&gt;alert(1)&lt;/script&gt;'],
  ['html inside a code fence', '```html\n<script>alert(1)</script><img src=x onerror=alert(1)>\n```'],
  ['fence info injection', '```"><img src=x onerror=alert(1)>\ncode\n```'],
  ['nested quotes breaking attributes', '[x](https://ok.example "a\\" onmouseover=\\"alert(1))'],
  ['uppercase handler and tag', '<IMG SRC=x ONERROR=alert(1)><SCRIPT>alert(1)</SCRIPT>'],
  ['mutation XSS via noscript', '<noscript><p title="</noscript><img src=x onerror=alert(1)>">'],
];

for (const [name, payload] of hostile) {
  test(`hostile model output is rendered inert: ${name}`, () => {
    assertInert(rendered(payload), payload);
    assertInert(rendered(`Some text before.\n\n${payload}\n\nAnd after.`), payload);
  });
}

test('raw HTML from the model is shown as text, not parsed', () => {
  const host = rendered('<b>bold?</b> <script>alert(1)</script>');
  assert.equal(host.querySelector('b'), null);
  assert.match(host.textContent ?? '', /<b>bold\?<\/b> <script>alert\(1\)<\/script>/);
});

test('HTML entities in model text stay entities, never markup', () => {
  const host = rendered('5 &lt; 6 &amp;&amp; &#60;img src=x onerror=alert(1)&#62;');
  assert.equal(host.querySelector('img'), null);
  assert.match(host.textContent ?? '', /5 < 6 && <img src=x onerror=alert\(1\)>/);
});

test('ordinary web and mail links survive', () => {
  const host = rendered('See [the docs](https://code.visualstudio.com/api) or mail <someone@example.com>.');
  const hrefs = Array.from(host.querySelectorAll('a')).map((a) => a.getAttribute('href'));
  assert.deepEqual(hrefs, ['https://code.visualstudio.com/api', 'mailto:someone@example.com']);
});

test('an image is shown as its Markdown text instead of loading', () => {
  const host = rendered('![diagram](https://example.com/d.png)');
  assert.equal(host.querySelector('img'), null);
  assert.match(host.textContent ?? '', /diagram/);
});

test('a fenced code block keeps its text, language class, and gets Copy and Insert buttons', () => {
  const host = rendered('Here:\n\n```ts\nconst a = 1 < 2;\n```\n');
  const block = host.querySelector('.code-block');
  assert.ok(block);
  assert.equal(block.querySelector('pre > code')?.textContent, 'const a = 1 < 2;\n');
  assert.equal(block.querySelector('code')?.className, 'language-ts');
  assert.equal(block.querySelector('.code-language')?.textContent, 'ts');
  assert.ok(block.querySelector('button.copy-code'));
  assert.ok(block.querySelector('button.insert-code'));
});

test('classes other than the code language are stripped', () => {
  const host = rendered('```x" class="visually-hidden\nhidden?\n```');
  for (const el of Array.from(host.querySelectorAll('[class]'))) {
    assert.ok(['code-block', 'code-actions', 'code-language', 'copy-code', 'insert-code'].includes(el.className) || /^language-[\w+#.-]+$/.test(el.className), el.className);
  }
});

test('tables, lists and emphasis render as Markdown', () => {
  const host = rendered('| a | b |\n|:--|--:|\n| 1 | 2 |\n\n- **one**\n- *two*\n- ~~three~~');
  assert.ok(host.querySelector('table td'));
  assert.equal(host.querySelectorAll('li').length, 3);
  assert.ok(host.querySelector('strong') && host.querySelector('em') && host.querySelector('s'));
  assert.equal(host.querySelector('[style]'), null);
});

test('a message longer than the Markdown limit is shown as escaped plain text, quickly', async () => {
  const { MAX_MARKDOWN_CHARS } = await import('../../media/render-markdown');
  const text = `${'*a'.repeat(MAX_MARKDOWN_CHARS)}\n<script>alert(1)</script>\n\nnext **paragraph**`;
  const started = performance.now();
  const host = rendered(text);
  assert.ok(performance.now() - started < 15_000);
  assert.equal(host.querySelectorAll('em, strong, script').length, 0);
  assert.equal(host.querySelectorAll('pre').length, 1);
  assert.ok(host.querySelector('pre')!.textContent!.endsWith('\n<script>alert(1)</script>\n\nnext **paragraph**'));
});

test('lone surrogates in a message are shown as replacement characters, not dropped with the whole message', () => {
  const host = rendered('x\u0000(\\&)\udfff\udfff and \ud800 end');
  assert.equal(host.textContent?.trim(), 'x\ufffd(&)\ufffd\ufffd and \ufffd end');
});
