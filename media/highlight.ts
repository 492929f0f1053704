// Light syntax colouring for code blocks in chat replies: comments, strings,
// numbers, keywords and literals, coloured by the theme (media/chat.css).
// It only splits the code's text into spans with textContent, so it cannot
// introduce markup; it runs on text DOMPurify has already cleaned.

type Family = 'c' | 'hash' | 'dash';

const HASH_COMMENTS = new Set(['python', 'py', 'sh', 'bash', 'shell', 'zsh', 'shellscript', 'ruby', 'rb', 'perl', 'r', 'yaml', 'yml', 'toml', 'makefile', 'dockerfile', 'powershell', 'ps1', 'cmake', 'nim', 'elixir']);
const DASH_COMMENTS = new Set(['sql', 'lua', 'haskell', 'hs', 'elm', 'ada']);
const PLAIN = new Set(['', 'text', 'plaintext', 'txt', 'markdown', 'md', 'diff', 'log', 'csv']);

const KEYWORDS = new Set(`
  abstract and as assert async await break case catch class const continue def defer del do elif else enum except export
  extends extern final finally fn for foreach from func function go goto if impl implements import in instanceof interface
  is lambda let loop match mod module move mut namespace new nonlocal not of or override package pass private protected
  pub public raise readonly return static struct super switch template then throw throws trait try type typedef typeof
  union unsafe use using var virtual void volatile where while with yield int float double char bool boolean string long
  short unsigned signed auto i32 i64 u8 u32 u64 usize f32 f64 str select insert update delete into values create table
  begin end local function echo fi esac done`.split(/\s+/).filter(Boolean));
const LITERALS = new Set(['true', 'false', 'null', 'undefined', 'None', 'True', 'False', 'nil', 'NaN', 'this', 'self', 'Self', 'nullptr']);

function family(language: string): Family {
  if (HASH_COMMENTS.has(language)) return 'hash';
  if (DASH_COMMENTS.has(language)) return 'dash';
  return 'c';
}

function tokenPattern(f: Family): RegExp {
  const comment = f === 'hash' ? '#[^\\n]*' : f === 'dash' ? '--[^\\n]*' : '\\/\\/[^\\n]*|\\/\\*[\\s\\S]*?(?:\\*\\/|$)';
  const strings = [
    f === 'hash' ? '"""[\\s\\S]*?(?:"""|$)|\'\'\'[\\s\\S]*?(?:\'\'\'|$)' : '`(?:\\\\[\\s\\S]|[^`\\\\])*`?',
    '"(?:\\\\.|[^"\\\\\\n])*"?',
    "'(?:\\\\.|[^'\\\\\\n])*'?",
  ].join('|');
  const number = '\\b(?:0[xX][\\da-fA-F_]+|0[bB][01_]+|\\d[\\d_]*(?:\\.\\d[\\d_]*)?(?:[eE][+-]?\\d+)?)\\b';
  const word = '[A-Za-z_$][\\w$]*';
  return new RegExp(`(${comment})|(${strings})|(${number})|(${word})`, 'g');
}

/** Replaces a <code> element's text with coloured spans (same text). */
export function highlight(code: Element, language: string): void {
  const lang = language.toLowerCase();
  if (PLAIN.has(lang)) return;
  const doc = code.ownerDocument;
  const text = code.textContent ?? '';
  const out = doc.createDocumentFragment();
  const pattern = tokenPattern(family(lang));
  let last = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    if (m[0] === '') {
      pattern.lastIndex++;
      continue;
    }
    const kind = m[1] ? 'comment' : m[2] ? 'string' : m[3] ? 'number' : KEYWORDS.has(m[4]) ? 'keyword' : LITERALS.has(m[4]) ? 'literal' : undefined;
    if (!kind) continue;
    if (m.index > last) out.append(text.slice(last, m.index));
    const span = doc.createElement('span');
    span.className = `tok-${kind}`;
    span.textContent = m[0];
    out.append(span);
    last = m.index + m[0].length;
  }
  if (last === 0) return;
  out.append(text.slice(last));
  code.replaceChildren(out);
}
