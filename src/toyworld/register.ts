/**
 * Registers the toy world with compute: the probe-set scheme `toy:N:SEED` and the concept sets
 * `builtin:toy` and `builtin:toy+common-10k`. Imported for its effect by the services that
 * resolve probe and concept sets; importing it again changes nothing.
 */
import { commonWords, registerConceptSet } from '../compute/concepts/index.js';
import { registerProbeScheme } from '../compute/probes/index.js';
import { toyProbeSet } from './probe-set.js';
import { TOY_VOCABULARY } from './vocabulary.js';

// Decode workers import the renderer by URL; run from sources, that is the .ts file itself.
const RENDERER = new URL(`./probe-renderer${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;

registerProbeScheme({ name: 'toy', resolve: (spec) => toyProbeSet(spec, RENDERER) });
registerConceptSet('toy', () => [...TOY_VOCABULARY]);
registerConceptSet('toy+common-10k', () => [...TOY_VOCABULARY, ...commonWords()]);
