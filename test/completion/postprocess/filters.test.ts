import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FilterContext } from '../../../src/completion/postprocess/filter';
import { stopAtRepetition } from '../../../src/completion/postprocess/stop-at-repetition';
import { truncateToMode } from '../../../src/completion/postprocess/truncate-to-mode';
import { dropRepeatedNextLines } from '../../../src/completion/postprocess/drop-repeated-next-lines';
import { trimSuffixOverlap } from '../../../src/completion/postprocess/trim-suffix-overlap';
import { dropClosingBrackets } from '../../../src/completion/postprocess/drop-closing-brackets';
import { normalizeIndentation } from '../../../src/completion/postprocess/normalize-indentation';
import { stopAtBlockClose } from '../../../src/completion/postprocess/stop-at-block-close';
import { closerOnOwnLine } from '../../../src/completion/postprocess/closer-on-own-line';
import { trimTrailingWhitespace } from '../../../src/completion/postprocess/trim-trailing-whitespace';
import { postProcess } from '../../../src/completion/postprocess/pipeline';

function ctx(over: Partial<FilterContext> = {}): FilterContext {
  return { lineBefore: '', lineAfter: '', nextLines: [], mode: { kind: 'single-line' }, tabSize: 4, insertSpaces: true, ...over };
}

type Row = [name: string, input: string, context: Partial<FilterContext>, expected: string];

function table(filter: (text: string, c: FilterContext) => string, rows: Row[]): void {
  for (const [name, input, context, expected] of rows) {
    test(name, () => assert.equal(filter(input, ctx(context)), expected));
  }
}

describe('stop at repetition', () => {
  table(stopAtRepetition, [
    ['text without loops is kept whole', 'a = 1\nb = 2', {}, 'a = 1\nb = 2'],
    ['a line repeated a third time is cut', 'x++;\nx++;\nx++;\nx++;', {}, 'x++;\nx++;'],
    ['a character loop at the end of a line is cut to one copy', 'foo(abababababababab', {}, 'foo(ab'],
    ['blank lines may repeat', 'a\n\n\n\nb', {}, 'a\n\n\n\nb'],
  ]);
});

describe('truncate to mode', () => {
  table(truncateToMode, [
    ['single-line mode keeps only the first line', 'return x;\n}\nfoo()', {}, 'return x;'],
    ['multi-line mode keeps the block body', '    a();\n    b();\n}\nnext();', { mode: { kind: 'multi-line', openerIndent: 0 } }, '    a();\n    b();'],
    ['multi-line mode keeps nested blocks', '  if (x) {\n    y();\n  }\n}', { mode: { kind: 'multi-line', openerIndent: 0 } }, '  if (x) {\n    y();\n  }'],
    ['a suggestion that starts outside the block is dropped', 'next();', { mode: { kind: 'multi-line', openerIndent: 4 }, lineBefore: '' }, ''],
    ['the cursor line indentation counts for the first line', 'a();\nb();\n}', { mode: { kind: 'multi-line', openerIndent: 0 }, lineBefore: '  ' }, 'a();'],
    ['right after an opener the body is kept up to the line back at the opener\'s indentation', '\n    a();\n  b();\n  }', { mode: afterBrace(2), lineBefore: '  if (x) {' }, '\n    a();'],
    ['right after an opener a first line at the opener\'s indentation leaves no body', '\nnext();', { mode: afterBrace(0), lineBefore: 'f() {' }, ''],
  ]);
});

/** The mode right after `{` whose `}` the editor typed, on a line indented `indent` columns. */
function afterBrace(indent: number): FilterContext['mode'] {
  return { kind: 'block-body', openerIndent: indent, closer: '}' };
}

describe('stop at block close', () => {
  table(stopAtBlockClose, [
    ['the body stops before the brace that closes the block', '\n  a();\n}\nnext();', { mode: afterBrace(0) }, '\n  a();\n'],
    ['a brace closing the block on a body line is cut with what follows', '\n  return x; }\nfoo', { mode: afterBrace(0) }, '\n  return x; '],
    ['nested blocks inside the body are kept whole', '\n  if (x) {\n    y();\n  }\n}', { mode: afterBrace(0) }, '\n  if (x) {\n    y();\n  }\n'],
    ['braces inside quotes do not close the block', '\n  s = "}";\n  t = \'}\';\n}', { mode: afterBrace(0) }, '\n  s = "}";\n  t = \'}\';\n'],
    ['without a closer after the cursor nothing is cut', '\n  a()\n}', { mode: { kind: 'block-body', openerIndent: 0, closer: undefined } }, '\n  a()\n}'],
    ['other modes are left alone', 'a); }', {}, 'a); }'],
  ]);
});

describe('drop repeated next lines', () => {
  table(dropRepeatedNextLines, [
    ['a suggestion equal to the next line is dropped', 'return a;', { lineBefore: '  ', nextLines: ['  return a;', '}'] }, ''],
    ['a multi-line suggestion is cut where it meets the next line', 'a();\n  b();\n  return a;', { nextLines: ['  return a;'] }, 'a();\n  b();'],
    ['an unrelated suggestion is kept', 'c();', { nextLines: ['d();'] }, 'c();'],
    ['with no next lines nothing changes', 'c();', {}, 'c();'],
  ]);
});

describe('trim suffix overlap', () => {
  table(trimSuffixOverlap, [
    ['a closing parenthesis already after the cursor is removed', 'a, b)', { lineAfter: ')' }, 'a, b'],
    ['a longer overlap with the line suffix is removed', 'value);', { lineAfter: ');' }, 'value'],
    ['no overlap leaves the text alone', 'value', { lineAfter: ')' }, 'value'],
    ['nothing after the cursor leaves the text alone', 'value)', { lineAfter: '' }, 'value)'],
  ]);
});

describe('drop closing brackets', () => {
  table(dropClosingBrackets, [
    ['closers the editor already inserted are dropped', 'x + 1)', { lineAfter: ' )' }, 'x + 1'],
    ['only the closers the suffix provides are dropped', 'f(g(x))', { lineAfter: ')' }, 'f(g(x)'],
    ['closers not after the cursor are kept', 'f(x)', { lineAfter: ';' }, 'f(x)'],
    ['quotes already after the cursor are dropped', 'hello"', { lineAfter: '"' }, 'hello'],
  ]);
});

describe('normalize indentation', () => {
  table(normalizeIndentation, [
    ['tabs become spaces when the editor inserts spaces', 'a();\n\tb();', { tabSize: 2 }, 'a();\n  b();'],
    ['spaces become tabs when the editor uses tabs', 'a();\n        b();', { insertSpaces: false, tabSize: 4 }, 'a();\n\t\tb();'],
    ['the first line is re-indented when it starts the line', '\tb();', { lineBefore: '' }, '    b();'],
    ['the first line is left alone mid-line', ' + 1', { lineBefore: 'x =' }, ' + 1'],
  ]);
});

describe('closer on own line', () => {
  table(closerOnOwnLine, [
    ['the body ends with a line break so the closer after the cursor gets its own line', '\n  a();', { mode: afterBrace(0), lineBefore: 'f() {' }, '\n  a();\n'],
    ['the closer lines up with the opener\'s line, in its own indentation', '\n\t\ta();', { mode: afterBrace(4), lineBefore: '\tif (x) {' }, '\n\t\ta();\n\t'],
    ['a block with nothing to close gets no extra line', '\n    a()', { mode: { kind: 'block-body', openerIndent: 0, closer: undefined }, lineBefore: 'def f():' }, '\n    a()'],
    ['other modes are left alone', 'a();', {}, 'a();'],
  ]);
});

describe('trim trailing whitespace', () => {
  table(trimTrailingWhitespace, [
    ['trailing spaces and newlines are trimmed', 'a();  \n\n', {}, 'a();'],
    ['whitespace-only text becomes nothing', ' \n\t\n', {}, ''],
    ['a carriage return the model wrote before its line break is trimmed', 'a();\r', {}, 'a();'],
    ['carriage returns end no line of a multi-line suggestion', 'a();\r\nb();\r\n', {}, 'a();\nb();'],
  ]);
});

describe('the whole pipeline', () => {
  test('never returns whitespace-only text', () => {
    for (const input of ['   ', '\n\n', '\t', ' \n ']) assert.equal(postProcess(input, ctx()), '');
  });
  test('a single-line suggestion inside a call drops what follows the cursor', () => {
    assert.equal(postProcess('a, b);\nconsole.log(x);', ctx({ lineBefore: 'foo(', lineAfter: ');' })), 'a, b');
  });
});
