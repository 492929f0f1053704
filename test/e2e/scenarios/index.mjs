// Every UI scenario, in the order they run, and the ones the default run
// includes. A scenario joins ENABLED when the feature it drives has landed
// on main; `node e2e.mjs <id>...` runs any of them, enabled or not.
import activation from './activation.mjs';
import inline from './inline.mjs';
import chat from './chat.mjs';
import explain from './explain.mjs';
import firstRun from './first-run.mjs';
import responsive from './responsive.mjs';
import server from './server.mjs';

export const ALL = [activation, inline, chat, explain, responsive, server, firstRun];

export const ENABLED = ['activation', 'inline', 'chat', 'explain', 'responsive', 'server', 'first-run'];
