import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError, decimal, helpText, parseCommand, wholeNumber, wholeNumberList, type CommandSpec } from '../../src/cli/args';

const spec: CommandSpec = {
  name: 'demo',
  description: 'A command for the tests.',
  options: {
    model: { type: 'string', value: 'FILE', help: 'the model', required: true },
    temp: { type: 'string', value: 'T', help: 'temperature', default: '0' },
    json: { type: 'boolean', help: 'JSON out' },
    one: { type: 'boolean', help: 'internal', hidden: true },
  },
};

const usageError = (fn: () => unknown, message: RegExp) => assert.throws(fn, (err: Error) => err instanceof UsageError && message.test(err.message));

test('options are read by name, with defaults, in both --name value and --name=value forms', () => {
  assert.deepEqual(parseCommand(spec, ['--model', 'm.gguf', '--json']).values, { model: 'm.gguf', json: true, temp: '0' });
  assert.equal(parseCommand(spec, ['--model=m.gguf', '--temp=0.5']).values.temp, '0.5');
});

test('a negative number after an option is its value, so the value check can name the flag', () => {
  assert.equal(parseCommand(spec, ['--model', 'm', '--temp', '-1']).values.temp, '-1');
  usageError(() => decimal(parseCommand(spec, ['--model', 'm', '--temp', '-1']).values, 'temp', 0, 2), /^--temp must be a number from 0 to 2, got '-1'$/);
});

test('errors name the flag as the user typed it', () => {
  usageError(() => parseCommand(spec, ['--modle', 'm']), /^unknown option --modle$/);
  usageError(() => parseCommand(spec, ['--model']), /^--model needs a value$/);
  usageError(() => parseCommand(spec, ['--model', 'm', '--json=yes']), /^--json takes no value$/);
  usageError(() => parseCommand(spec, ['--model', '--json']), /^--model needs a value; for one that starts with '-', write --model=VALUE$/);
  usageError(() => parseCommand(spec, ['--json']), /^--model is required$/);
  usageError(() => parseCommand(spec, ['--model', 'm', 'extra']), /^unexpected argument 'extra'$/);
});

test('--help and -h ask for help even when required options are missing', () => {
  assert.equal(parseCommand(spec, ['--help']).help, true);
  assert.equal(parseCommand(spec, ['-h']).help, true);
});

test('the help text shows the usage line, the description and every option but the hidden ones', () => {
  const text = helpText(spec);
  assert.match(text, /^usage: bitnet demo --model FILE \[options\]\n\nA command for the tests\.\n/);
  assert.match(text, /--temp T +temperature \(default: 0\)/);
  assert.match(text, /--json +JSON out\n/);
  assert.match(text, /-h, --help +show this help/);
  assert.doesNotMatch(text, /--one/);
});

test('number readers reject text, NaN, fractions and values out of range, naming the flag and the value', () => {
  for (const bad of ['abc', 'NaN', '', 'Infinity', '3x']) usageError(() => decimal({ temp: bad }, 'temp', 0, 2), new RegExp(`^--temp must be a number from 0 to 2, got '${bad}'$`));
  usageError(() => decimal({ temp: '2.5' }, 'temp', 0, 2), /got '2\.5'/);
  assert.equal(decimal({ temp: '0.7' }, 'temp', 0, 2), 0.7);
  for (const bad of ['1.5', 'lots', '0', '1e3']) usageError(() => wholeNumber({ n: bad }, 'n', 1), new RegExp(`^--n must be a whole number of at least 1, got '${bad}'$`));
  assert.equal(wholeNumber({ n: '64' }, 'n', 1), 64);
  usageError(() => wholeNumber({ threads: '257' }, 'threads', 0, 256), /^--threads must be a whole number from 0 to 256, got '257'$/);
  assert.deepEqual(wholeNumberList({ threads: '1, 2' }, 'threads', 0, 256), [1, 2]);
  usageError(() => wholeNumberList({ threads: '1,,2' }, 'threads', 0, 256), /^--threads must be a comma-separated list of whole numbers from 0 to 256, got '1,,2'$/);
});
