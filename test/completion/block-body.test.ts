// A body offered at `function f() {|}`: the real mode, prompt, tokenizer and
// post-processing, from what the model writes to the document the user gets
// on accepting the suggestion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterContext } from '../../src/completion/completer';
import { postProcess } from '../../src/completion/postprocess/pipeline';
import { promptAt, promptLead } from '../../src/completion/prompt';
import type { DocumentSnapshot } from '../../src/completion/snapshot';
import { llama3Tokenizer } from '../tokenizer/llama3-fixture';

function at(text: string, languageId = 'typescript', insertSpaces = true): DocumentSnapshot {
  const [prefix, suffix] = text.split('|');
  return { path: 'src/a.ts', languageId, prefix, suffix, tabSize: 4, insertSpaces };
}

/**
 * The document once the suggestion is accepted, given the document (`|` marks
 * the cursor) and what the model writes after the prompt; undefined when
 * there is nothing to suggest. The suggestion is inserted at the cursor, as
 * the provider's item does.
 */
function accepted(doc: DocumentSnapshot, modelWrites: string): string | undefined {
  const ctx = filterContext(doc);
  const suggestion = postProcess(promptLead(ctx.mode) + modelWrites, ctx);
  return suggestion === '' ? undefined : doc.prefix + suggestion + doc.suffix;
}

test('a suggestion inside function f() {|} is the body on its own lines, and the closing brace stays after it', () => {
  const doc = at('function twice(x: number) {|}\n\nexport { twice };\n');
  const model = '    return 2 * x;\n}\n\nfunction thrice(x: number) {\n';
  assert.equal(accepted(doc, model), 'function twice(x: number) {\n    return 2 * x;\n}\n\nexport { twice };\n');
});

test('the body ends where the model closes the block itself, also on a body line or at the wrong indentation', () => {
  const doc = at('function f() {|}\n');
  assert.equal(accepted(doc, '    return 1; }\nconst y = 2;'), 'function f() {\n    return 1;\n}\n');
  assert.equal(accepted(doc, '    return 1;\n  }\nconst y = 2;'), 'function f() {\n    return 1;\n}\n');
});

test('nested blocks stay whole inside the body', () => {
  const doc = at('function f(x) {|}\n');
  const model = '    if (x) {\n        g(x);\n    }\n    return x;\n}\n';
  assert.equal(accepted(doc, model), 'function f(x) {\n    if (x) {\n        g(x);\n    }\n    return x;\n}\n');
});

test("a callback's body inside a call leaves the call's closers on the closing line, at the opener's indentation", () => {
  const doc = at('  items.forEach((item) => {|});\n');
  assert.equal(accepted(doc, '    total += item;\n  });\n'), '  items.forEach((item) => {\n    total += item;\n  });\n');
});

test('with tabs the body is indented with tabs and the brace lines up with the opener', () => {
  const doc = at('\tif (ready) {|}\n', 'typescript', false);
  assert.equal(accepted(doc, '        start();\n    }\n'), '\tif (ready) {\n\t\tstart();\n\t}\n');
});

test('after def f(x): in Python the suggestion is the indented body on the lines below, with nothing to close', () => {
  const doc = at('def double(x):|\n\n\nprint(double(2))\n', 'python');
  assert.equal(accepted(doc, '    return 2 * x\n\n\nprint(double(2))\n'), 'def double(x):\n    return 2 * x\n\n\nprint(double(2))\n');
});

test('a model that writes nothing inside the block suggests nothing', () => {
  assert.equal(accepted(at('function f() {|}\n'), '}\n\nfunction g() {'), undefined);
  assert.equal(accepted(at('function f() {|}\n'), '\n\n'), undefined);
});

test("a call's parentheses foo(|) get a single line of arguments, not a body", () => {
  assert.equal(accepted(at('foo(|)\n'), 'a, b)\nbar();'), 'foo(a, b)\n');
});

test('elsewhere suggestions are as before: one line mid-line, the body on an empty line inside a block', () => {
  assert.equal(accepted(at('const x = |\n'), '1;\nconst y = 2;'), 'const x = 1;\n');
  assert.equal(accepted(at('const s = `${|}`;\n'), 'name}`;\n'), 'const s = `${name}`;\n');
  assert.equal(accepted(at('function f() {\n    |\n}\n'), 'return 1;\n}\n'), 'function f() {\n    return 1;\n}\n');
});

test('the prompt inside {|} ends with the opener and its line break, as the one token the model saw in written code', () => {
  const tokenizer = llama3Tokenizer();
  const prompt = promptAt(at('function twice(x: number) {|}'), 1024).text;
  const last = tokenizer.encode(prompt).at(-1)!;
  assert.equal(tokenizer.decode([last]), ' {\n');
  assert.ok(tokenizer.encode('function twice(x: number) {\n  return 2 * x;\n}').includes(last));

  const python = tokenizer.encode(promptAt(at('def double(x):|', 'python'), 1024).text);
  assert.equal(tokenizer.decode(python.slice(-1)), '):\n');
});

test('elsewhere the prompt ends exactly where the cursor is', () => {
  assert.ok(promptAt(at('foo(|)'), 1024).text.endsWith('foo('));
  assert.ok(promptAt(at('const x = |'), 1024).text.endsWith('const x = '));
});
