import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionReport } from '../src/completion/completion-report';
import { BUSY_SHOW_DELAY_MS, describeStatus, MISSES_EXPLAINED, noteReport, ShownState, type StatusInput } from '../src/status-view';

const shown: CompletionReport = {
  id: 7,
  trigger: 'typing',
  outcome: 'shown',
  ms: 412,
  chars: 18,
  source: 'model',
  stats: { promptTokens: 703, reusedTokens: 690, generatedTokens: 9, prefillMs: 88, firstTokenMs: 120, tokensPerSecond: 31.25, stopReason: 'stop', window: 'full' },
};

const miss = (extra: Partial<CompletionReport>): CompletionReport => ({ id: 1, trigger: 'typing', outcome: 'cancelled', ms: 25_000, ...extra });

test('a ready engine shows every figure of the last suggestion, all from that one request', () => {
  const v = describeStatus({ engine: 'ready', inlineEnabled: true, lastShown: shown });
  assert.equal(v.text, '$(sparkle) BitNet');
  assert.match(v.tooltip, /Last suggestion: 412 ms; prompt 703 tokens \(690 reused\), read in 88 ms; first token at 120 ms; 9 tokens at 31\.3 tokens\/s/);
  assert.equal(v.isError, false);
});

test('each state has its own icon: loading, reading with how far along, generating, ready, error', () => {
  const at = (s: Partial<StatusInput>) => describeStatus({ engine: 'ready', inlineEnabled: true, ...s });
  assert.match(at({ engine: 'loading' }).text, /loading~spin/);
  const reading = at({ engine: 'reading', progress: { done: 350, total: 700 }, prefillRate: 38 });
  assert.equal(reading.text, '$(book) BitNet 50%');
  assert.match(reading.tooltip, /reading 700 tokens of context: 350 done at 38 tok\/s/);
  assert.match(at({ engine: 'generating' }).text, /pulse/);
  assert.match(at({ engine: 'ready' }).text, /sparkle/);
  assert.match(at({ engine: 'error', errorMessage: 'x' }).text, /error/);
  const texts = ['loading', 'reading', 'generating', 'ready', 'error'].map((engine) => at({ engine: engine as StatusInput['engine'] }).text.split(' ')[0]);
  assert.equal(new Set(texts).size, texts.length);
});

test('inline completion switched off for a language says so', () => {
  const v = describeStatus({ engine: 'ready', inlineEnabled: false, languageId: 'markdown' });
  assert.equal(v.text, '$(circle-slash) BitNet');
  assert.match(v.tooltip, /off for markdown/);
});

test('an engine error is shown as an error with its message and the way to the log', () => {
  const v = describeStatus({ engine: 'error', inlineEnabled: true, errorMessage: 'the model file is truncated' });
  assert.equal(v.isError, true);
  assert.match(v.tooltip, /truncated/);
  assert.match(v.tooltip, /log/);
});

test('a ready engine whose completion requests fail shows an error, until one succeeds', () => {
  let s = noteReport({}, { id: 1, trigger: 'typing', outcome: 'failed', detail: 'the model file changed on disk', ms: 40 });
  const failing = describeStatus({ engine: 'ready', inlineEnabled: true, ...s });
  assert.equal(failing.isError, true);
  assert.match(failing.tooltip, /changed on disk/);
  s = noteReport(s, shown);
  assert.equal(describeStatus({ engine: 'ready', inlineEnabled: true, ...s }).isError, false);
});

test('a missing model points to the download', () => {
  assert.match(describeStatus({ engine: 'no-model', inlineEnabled: true }).tooltip, /download/);
});

test('after several pauses that showed nothing, the tooltip says the context is still being read and what to change', () => {
  let s: Pick<StatusInput, 'misses' | 'lastShown'> = {};
  for (let i = 0; i < MISSES_EXPLAINED; i++) s = noteReport(s, miss({ progress: { done: 200, total: 700 } }));
  const v = describeStatus({ engine: 'ready', inlineEnabled: true, ...s, prefillRate: 38 });
  assert.match(v.tooltip, /reading 700 tokens of context at 38 tok\/s \(about 14 s more\)/);
  assert.match(v.tooltip, /bitnet\.inline\.promptTokens/);
});

test('requests cancelled by typing on are not counted as pauses that showed nothing', () => {
  let s: Pick<StatusInput, 'misses' | 'lastShown'> = {};
  for (let i = 0; i < 10; i++) s = noteReport(s, miss({ ms: 120 }));
  assert.equal(describeStatus({ engine: 'ready', inlineEnabled: true, ...s }).tooltip.includes('showed nothing'), false);
});

test('suggestions cut by the time budget say which setting to raise; one shown suggestion clears the note', () => {
  let s: Pick<StatusInput, 'misses' | 'lastShown'> = {};
  for (let i = 0; i < MISSES_EXPLAINED; i++) s = noteReport(s, miss({ outcome: 'timeout', ms: 2000 }));
  assert.match(describeStatus({ engine: 'ready', inlineEnabled: true, ...s }).tooltip, /timeBudgetMs/);
  s = noteReport(s, shown);
  assert.equal(describeStatus({ engine: 'ready', inlineEnabled: true, ...s }).tooltip.includes('showed nothing'), false);
});

test('a busy state shows only once it has lasted a moment, so a quick answer never blinks', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    let changes = 0;
    const state = new ShownState(() => changes++);
    state.set('ready');
    state.set('generating');
    assert.equal(state.shown, 'ready');
    mock.timers.tick(BUSY_SHOW_DELAY_MS - 1);
    state.set('ready');
    mock.timers.tick(BUSY_SHOW_DELAY_MS);
    assert.equal(state.shown, 'ready');
    assert.equal(changes, 0);
    state.set('reading');
    mock.timers.tick(BUSY_SHOW_DELAY_MS);
    assert.equal(state.shown, 'reading');
    assert.equal(changes, 1);
    state.set('generating');
    assert.equal(state.shown, 'generating', 'from one busy state to another at once');
    state.set('error');
    assert.equal(state.shown, 'error', 'leaving a busy state shows at once');
  } finally {
    mock.timers.reset();
  }
});
