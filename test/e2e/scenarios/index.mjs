// Every UI scenario, in the order they run, and the ones the default run
// includes. A scenario joins ENABLED when the feature it drives has landed
// on main; `node e2e.mjs <id>...` runs any of them, enabled or not.
import activation from './activation.mjs';
import inline from './inline.mjs';
import blockBody from './block-body.mjs';
import chat from './chat.mjs';
import explain from './explain.mjs';
import firstRun from './first-run.mjs';
import responsive from './responsive.mjs';
import reload from './reload.mjs';
import server from './server.mjs';
import history from './history.mjs';
import insert from './insert.mjs';
import stats from './stats.mjs';
import loading from './loading.mjs';
import looks from './looks.mjs';
import keys from './keys.mjs';
import inline2b4t from './inline-2b4t.mjs';
import downloadOffline from './download-offline.mjs';
import settingsAfterOffer from './settings-after-offer.mjs';

export const ALL = [activation, inline, blockBody, chat, explain, responsive, history, insert, stats, looks, keys, loading, reload, server, firstRun, downloadOffline, settingsAfterOffer, inline2b4t];

export const ENABLED = ['activation', 'inline', 'block-body', 'chat', 'explain', 'responsive', 'history', 'insert', 'stats', 'looks', 'keys', 'loading', 'reload', 'server', 'first-run', 'download-offline', 'settings-after-offer', 'inline-2b4t'];
