// Limits the command line shares with the extension, read from where they
// are declared once: the settings in package.json (their minimum and maximum).
import manifest from '../../package.json';

// The settings are contributed in groups (Model, Inline completion, Chat).
const settings = Object.assign({}, ...manifest.contributes.configuration.map((group) => group.properties)) as Record<
  string,
  { minimum: number; maximum: number }
>;

/** --threads: 0 (one per physical core) up to the bitnet.threads maximum. */
export const THREADS = { min: settings['bitnet.threads'].minimum, max: settings['bitnet.threads'].maximum };

/** --temp: the range of bitnet.temperature. */
export const TEMPERATURE = { min: settings['bitnet.temperature'].minimum, max: settings['bitnet.temperature'].maximum };

/** --seed: the samplers and the model maker take a 32-bit seed. */
export const SEED = { min: 0, max: 2 ** 32 - 1 };

/** --ctx: a KV cache size the extension's context-size settings allow. */
export const CONTEXT = { min: settings['bitnet.contextSize.completion'].minimum, max: settings['bitnet.contextSize.chat'].maximum };
