/**
 * Supervised channels: real units of a toy model trained to detect a named toy concept
 * (tools/toyworld/train_sup.py), listed in its sidecar JSON as `supervised: [{ layer, channel,
 * concept }]`. Their truth is known by training, not planted, so every labelling method is
 * scored on them: top-1 = the unit's best label is its concept, top-5 = one of its five best is.
 * The similarity functions rescore the whole layer from the run's stored activations and
 * embeddings (soft_wpmi and wpmi take their prior over all units scored together).
 */
import type { Matrix } from '../../core/types.js';
import type { AtlasStore, RunRow } from '../../db/index.js';
import type { RunLayer } from '../../db/repositories/runs.js';
import { score, SIMILARITY_NAMES, type ConceptMatrix, type SimilarityName } from '../../compute/similarity/index.js';
import { PRESETS, presetOfRun, type PresetName } from '../../compute/similarity/presets.js';
import { canonicalLabel } from '../../toyworld/vocabulary.js';
import { NETDISSECT_METHOD } from './netdissect-run.js';

export interface SupervisedChannel {
  layer: string;
  channel: number;
  concept: string;
}

export interface SupervisedUnit extends SupervisedChannel {
  /** The run's own (stored) label of the unit; '' when the run does not cover its layer. */
  label: string;
  /** The label names the concept (the concept itself, or a plural or synonym of it). */
  right: boolean;
}

export interface SupervisedMethod {
  /** A similarity function, or `netdissect`. */
  method: string;
  preset: PresetName;
  /** True for labels a run stored (the evaluated run, the Network Dissection run); false for rescored ones. */
  stored: boolean;
  units: number;
  top1: number;
  top5: number;
  /** The method's best label of each unit, in the order of `units` ('' where it scored none). */
  labels: string[];
  /** Share of the scored units whose best label has confidence >= 0.8 (calibration's coverage). */
  confidentCoverage: number;
  /** Share right among those labels (null when there are none, or the labels carry no confidence). */
  confidentRight: number | null;
}

export interface SupervisedEval {
  units: SupervisedUnit[];
  /** The run's own labels first, then every function rescored, then Network Dissection. */
  methods: SupervisedMethod[];
  /** Concepts the labels were chosen from, and a random label's top-1. */
  concepts: number;
  chance: number;
  /** Supervised layers the run does not cover (their units are not scored). */
  layersNotInRun: string[];
}

/** What the evaluation reads from the atlas, prepared by its caller. */
export interface SupervisedInputs {
  store: AtlasStore;
  run: RunRow;
  layers: RunLayer[];
  /** Netdissect run per layer name, where one exists. */
  ndRuns: Map<string, number>;
  /** The run's concept names and matrix (undefined when the atlas holds no image embeddings). */
  concepts: () => Promise<{ names: string[]; matrix: ConceptMatrix } | undefined>;
}

/** The sidecar's `supervised` list; [] when there is none; throws naming a malformed entry. */
export function supervisedChannelsOf(sidecar: Record<string, unknown>): SupervisedChannel[] {
  const list = sidecar.supervised;
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new Error('the sidecar\'s "supervised" must be a list of { layer, channel, concept }');
  return list.map((e: unknown, i) => {
    const { layer, channel, concept } = (e ?? {}) as Record<string, unknown>;
    if (typeof layer !== 'string' || typeof concept !== 'string' || !Number.isInteger(channel) || (channel as number) < 0) {
      throw new Error(`the sidecar's "supervised" entry ${i} is not { layer, channel, concept } (got ${JSON.stringify(e)})`);
    }
    return { layer, channel: channel as number, concept };
  });
}

/** A label names the unit's concept when it is the concept or one of its plurals or synonyms. */
const norm = (s: string) => canonicalLabel(s);

/** A unit's labels, best first, with the confidence each was stored or scored with. */
type Ranked = { text: string; confidence: number | null }[];

/** Confidence from which a label counts as confident (the calibration goal's threshold). */
const CONFIDENT = 0.8;

/**
 * Share of `channels` whose first / first five labels hold their concept, the first label of each
 * of `all`, and how the confident labels (confidence >= 0.8) fare.
 */
function tally(
  channels: SupervisedChannel[],
  ranked: (c: SupervisedChannel) => Ranked,
  all: SupervisedChannel[],
): Pick<SupervisedMethod, 'top1' | 'top5' | 'labels' | 'confidentCoverage' | 'confidentRight'> {
  let top1 = 0;
  let top5 = 0;
  let confident = 0;
  let confidentRight = 0;
  for (const c of channels) {
    const list = ranked(c);
    const labels = list.slice(0, 5).map((l) => norm(l.text));
    const right = labels[0] === norm(c.concept);
    if (right) top1++;
    if (labels.includes(norm(c.concept))) top5++;
    if ((list[0]?.confidence ?? -1) >= CONFIDENT) {
      confident++;
      if (right) confidentRight++;
    }
  }
  const n = channels.length || 1;
  const scored = new Set(channels);
  return {
    top1: top1 / n,
    top5: top5 / n,
    labels: all.map((c) => (scored.has(c) ? (ranked(c)[0]?.text ?? '') : '')),
    confidentCoverage: confident / n,
    confidentRight: confident > 0 ? confidentRight / confident : null,
  };
}

/** The five best labels per unit of a stored run's layer. */
async function storedRanks(store: AtlasStore, runId: number, layerId: number): Promise<Map<number, Ranked>> {
  const out = new Map<number, Ranked>();
  for (const row of await store.labels.ofLayer(runId, layerId, 5)) {
    const list = out.get(row.unit) ?? [];
    list[row.rank] = { text: row.text, confidence: row.confidence };
    out.set(row.unit, list);
  }
  for (const [u, list] of out) out.set(u, list.filter((t) => t !== undefined));
  return out;
}

/** The configurations rescored: every function with the reference's defaults, then the presets. */
const RESCORED: { fn: SimilarityName; preset: PresetName; params: Record<string, number> }[] = [
  ...SIMILARITY_NAMES.map((fn) => ({ fn, preset: 'reference' as const, params: {} })),
  { fn: PRESETS.hidden.fn!, preset: 'hidden', params: PRESETS.hidden.params },
  { fn: PRESETS.final.fn!, preset: 'final', params: PRESETS.final.params },
];

/** Scores the supervised channels of `channels` with every method the atlas has the data for. */
export async function evaluateSupervised(channels: SupervisedChannel[], input: SupervisedInputs): Promise<SupervisedEval> {
  const { store, run, layers, ndRuns } = input;
  const byName = new Map(layers.map((l) => [l.name, l]));
  const covered = channels.filter((c) => byName.has(c.layer) && c.channel < byName.get(c.layer)!.units);
  const layersNotInRun = [...new Set(channels.filter((c) => !byName.has(c.layer)).map((c) => c.layer))];
  const groups = [...new Set(covered.map((c) => c.layer))].map((name) => byName.get(name)!);

  // The run's own labels.
  const runRanks = new Map<string, Map<number, Ranked>>();
  for (const l of groups) runRanks.set(l.name, await storedRanks(store, run.id, l.id));
  const rankedBy = (m: Map<string, Map<number, Ranked>>) => (c: SupervisedChannel) => m.get(c.layer)?.get(c.channel) ?? [];
  const units: SupervisedUnit[] = channels.map((c) => {
    const label = rankedBy(runRanks)(c)[0]?.text ?? '';
    return { ...c, label, right: label !== '' && norm(label) === norm(c.concept) };
  });
  const methods: SupervisedMethod[] = [
    { method: run.similarity ?? '', preset: presetOfRun(run.params as Record<string, unknown> | null), stored: true, units: covered.length, ...tally(covered, rankedBy(runRanks), channels) },
  ];

  // Every function and preset, rescored from the stored activations and embeddings.
  const concepts = run.probeSetId === null ? undefined : await input.concepts();
  const acts = new Map<string, Matrix>();
  if (concepts && run.probeSetId !== null) {
    for (const l of groups) {
      const m = await store.embeddings.activations(run.modelId, l.name, run.probeSetId, run.activationKey);
      if (m && m.rows === concepts.matrix.images) acts.set(l.name, m);
    }
  }
  const scored = covered.filter((c) => acts.has(c.layer));
  if (concepts && scored.length > 0) {
    for (const cfg of RESCORED) {
      const ranks = new Map<string, Map<number, Ranked>>();
      for (const l of groups) {
        const m = acts.get(l.name);
        if (!m) continue;
        const result = await score(cfg.fn, concepts.matrix, m, cfg.params, { topN: 5 });
        ranks.set(l.name, new Map(result.labels.map((list, u) => [u, list.map((s) => ({ text: concepts.names[s.concept]!, confidence: s.confidence ?? null }))])));
      }
      methods.push({ method: cfg.fn, preset: cfg.preset, stored: false, units: scored.length, ...tally(scored, rankedBy(ranks), channels) });
    }
  }

  // Network Dissection, where its run covers the layer.
  const ndCovered = covered.filter((c) => ndRuns.has(c.layer));
  if (ndCovered.length > 0) {
    const ranks = new Map<string, Map<number, Ranked>>();
    for (const l of groups) {
      const nd = ndRuns.get(l.name);
      if (nd !== undefined) ranks.set(l.name, await storedRanks(store, nd, l.id));
    }
    methods.push({ method: NETDISSECT_METHOD, preset: 'reference', stored: true, units: ndCovered.length, ...tally(ndCovered, rankedBy(ranks), channels) });
  }

  const size = concepts?.names.length ?? (run.conceptSetId === null ? 0 : ((await store.conceptSets.get(run.conceptSetId))?.concepts.length ?? 0));
  return { units, methods, concepts: size, chance: size > 0 ? 1 / size : 0, layersNotInRun };
}
