/**
 * Comparing a layer's labels between two sides, each a model version's layer with a run (the one
 * the caller chose: a run id, a method's latest, or the layer's default): two versions, two runs,
 * or two methods (CLIP-Dissect against imported MILAN or Network Dissection) on one model. Neurons
 * of A are matched to neurons of B by activation correlation over a probe set both have (each to
 * itself when both sides are the same layer, else by unit index when the sizes agree), and the
 * labels of matched neurons are compared as exact text, as normalised text and as CLIP text
 * embeddings. The arithmetic is compute/compare's.
 */
import { BadInputError } from '../core/errors.js';
import { bestCorrelationMatches, cosine, sameLabel } from '../compute/compare/index.js';
import { sameNormalisedLabel } from '../compute/compare/labels.js';
import type { AtlasStore } from '../db/atlas-store.js';
import type { LayerInfo, ModelRow, RunRow, UnitLabel } from './records.js';
import type { TextEncoders } from './text-encoders.js';

export interface UnitMatch {
  unit: number;
  label: string | null;
  matchUnit: number;
  matchLabel: string | null;
  correlation: number | null;
  labelSimilarity: number | null;
  sameLabel: boolean;
  /** The labels agree once normalised (case, plural, Broden suffix: see compute/compare/labels). */
  sameNormalisedLabel: boolean;
}

/** One side of a comparison: a model version's layer and the run whose labels it shows (null: no run covers it). */
export interface CompareSide {
  model: ModelRow;
  layer: LayerInfo;
  run: RunRow | null;
}

export interface Comparison {
  matchedBy: 'ACTIVATION_CORRELATION' | 'SAME_LAYER' | 'UNIT_INDEX';
  /** The probe set the activations were correlated over. */
  probeSetId: number | null;
  /** Share of matched pairs, both labelled, whose labels agree. */
  agreement: number;
  /** Share of matched pairs, both labelled, whose labels agree once normalised. */
  normalisedAgreement: number;
  meanLabelSimilarity: number | null;
  matches: UnitMatch[];
  /** Matched pairs, both labelled, whose labels differ. */
  changed: UnitMatch[];
}

export class CompareService {
  constructor(
    private readonly store: AtlasStore,
    private readonly encoders: TextEncoders,
  ) {}

  /** Side `sa`'s labels against side `sb`'s. */
  async compare(sa: CompareSide, sb: CompareSide): Promise<Comparison> {
    const store = this.store;
    const { model: a, layer: la, run: runA } = sa;
    const { model: b, layer: lb, run: runB } = sb;
    const [labelsA, labelsB] = await Promise.all([
      runA ? store.labels.topLabels(runA.id, la.id) : new Map<number, UnitLabel>(),
      runB ? store.labels.topLabels(runB.id, lb.id) : new Map<number, UnitLabel>(),
    ]);

    const [psA, psB] = la.id === lb.id ? [[], []] : await Promise.all([store.embeddings.probeSetsWithActivations(la.id), store.embeddings.probeSetsWithActivations(lb.id)]);
    const shared = psA.find((p) => psB.includes(p));
    let matchedBy: Comparison['matchedBy'];
    let matches: { unit: number; correlation: number | null }[];
    if (la.id === lb.id) {
      // Two runs or methods on one layer: each neuron is its own match.
      matchedBy = 'SAME_LAYER';
      matches = Array.from({ length: la.units }, (_, u) => ({ unit: u, correlation: 1 }));
    } else if (shared !== undefined) {
      const [actA, actB] = await Promise.all([store.embeddings.activations(a.id, la.name, shared), store.embeddings.activations(b.id, lb.name, shared)]);
      matchedBy = 'ACTIVATION_CORRELATION';
      matches = bestCorrelationMatches(actA!, actB!);
    } else if (la.units === lb.units) {
      matchedBy = 'UNIT_INDEX';
      matches = Array.from({ length: la.units }, (_, u) => ({ unit: u, correlation: null }));
    } else {
      throw new BadInputError(
        `layer ${la.name} has ${la.units} units in ${a.name}@${a.version} and ${lb.units} in ${b.name}@${b.version}, and no probe set has activations of both: nothing to match by`,
        { argumentName: 'layer' },
      );
    }

    // Label embeddings: the CLIP model of either run, else ATLAS_CLIP's; missing ones encoded when possible.
    const clipId = runA?.clipModelId ?? runB?.clipModelId ?? (await this.encoders.configured().catch(() => undefined))?.id;
    let emb = new Map<number, Float32Array>();
    if (clipId != null) {
      const ids = [...labelsA.values(), ...labelsB.values()].map((l) => l.conceptId);
      emb = await store.embeddings.conceptsById(clipId, ids);
      const missing = [...labelsA.values(), ...labelsB.values()].filter((l) => !emb.has(l.conceptId));
      if (missing.length > 0) {
        const clip = await this.encoders.clipRow(clipId);
        try {
          await this.encoders.concepts(clipId, missing.map((m) => m.text), clip!.dim);
          emb = await store.embeddings.conceptsById(clipId, ids);
        } catch {
          // No encoder: those pairs get no label similarity.
        }
      }
    }
    const out = matches.map((m, unit) => {
      const la1 = labelsA.get(unit);
      const lb1 = m.unit >= 0 ? labelsB.get(m.unit) : undefined;
      const ea = la1 ? emb.get(la1.conceptId) : undefined;
      const eb = lb1 ? emb.get(lb1.conceptId) : undefined;
      return {
        unit,
        label: la1?.text ?? null,
        matchUnit: m.unit,
        matchLabel: lb1?.text ?? null,
        correlation: m.correlation,
        labelSimilarity: ea && eb ? cosine(ea, eb) : null,
        sameLabel: sameLabel(la1?.text, lb1?.text),
        sameNormalisedLabel: sameNormalisedLabel(la1?.text, lb1?.text),
      };
    });
    const labelled = out.filter((m) => m.label !== null && m.matchLabel !== null);
    const sims = out.map((m) => m.labelSimilarity).filter((s): s is number => s !== null);
    return {
      matchedBy,
      probeSetId: shared ?? null,
      agreement: labelled.length ? labelled.filter((m) => m.sameLabel).length / labelled.length : 0,
      normalisedAgreement: labelled.length ? labelled.filter((m) => m.sameNormalisedLabel).length / labelled.length : 0,
      meanLabelSimilarity: sims.length ? sims.reduce((s, x) => s + x, 0) / sims.length : null,
      matches: out,
      changed: labelled.filter((m) => !m.sameLabel),
    };
  }
}
