/**
 * Per-layer truth metrics of a toy model's labels (`atlas eval`): for every unit, how well its
 * label's concept separates the probe images by the unit's activation (AUROC against the
 * generator's image-level ground truth), the lift of that concept among its 100 most activating
 * images, the best any toy concept reaches (the ceiling), the same with labels shuffled between
 * units (the floor), and agreement with Network Dissection counted over its detectors only.
 */
import { aurocMatrix, fixedPermutation, liftAtTop } from '../../compute/planted/metrics.js';
import type { Presence } from '../../compute/planted/units.js';
import type { Matrix } from '../../core/types.js';
import { canonicalLabel } from '../../toyworld/vocabulary.js';

/** Network Dissection's cut-off for a unit that detects its concept. */
export const DETECTOR_IOU = 0.04;

export interface LayerTruth {
  units: number;
  /** Units whose label is a toy word or a plural or synonym of one (the others name nothing the world holds: AUROC 0.5). */
  toyLabelled: number;
  /** Mean over units of the AUROC of the label's concept (0.5 for labels that are not toy words). */
  labelAuroc: number;
  /** Mean over toy-labelled units of the lift of the label's concept among the unit's top 100 images. */
  liftTop100: number;
  /** Mean over units of the best AUROC any toy concept reaches: the ceiling. */
  bestAuroc: number;
  /** Mean label AUROC with the labels shuffled between units (10 fixed permutations): the floor. */
  shuffledAuroc: number;
  /** Units Network Dissection calls detectors (IoU > 0.04), and the share of them whose label is its label. */
  ndDetectors?: number;
  ndAgreement?: number;
}

const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length);

/** `labels[u]`: unit u's rank-0 label; `nd[u]`: Network Dissection's label and IoU, when there is a netdissect run. */
export function layerTruth(acts: Matrix, presence: Presence, labels: readonly string[], nd?: readonly { text: string; iou: number }[]): LayerTruth {
  const t = presence.concepts.length;
  const index = new Map(presence.concepts.map((c, i) => [c, i]));
  const auroc = aurocMatrix(acts, presence);
  const at = (u: number, label: string | undefined) => {
    const c = label === undefined ? undefined : index.get(canonicalLabel(label));
    const v = c === undefined ? Number.NaN : auroc[u * t + c]!;
    return Number.isNaN(v) ? 0.5 : v;
  };
  const units = acts.cols;
  const perUnit = Array.from({ length: units }, (_, u) => at(u, labels[u]));
  const toy = Array.from({ length: units }, (_, u) => u).filter((u) => index.has(canonicalLabel(labels[u] ?? '')));
  const lifts = toy.map((u) => liftAtTop(acts, presence, u, index.get(canonicalLabel(labels[u]!))!)).filter((x) => !Number.isNaN(x));
  const best = Array.from({ length: units }, (_, u) => {
    let m = 0.5;
    for (let c = 0; c < t; c++) if (!Number.isNaN(auroc[u * t + c]!)) m = Math.max(m, auroc[u * t + c]!);
    return m;
  });
  const shuffled = Array.from({ length: 10 }, (_, s) => {
    const p = fixedPermutation(units, 1000 + s);
    return mean(Array.from({ length: units }, (_, u) => at(u, labels[p[u]!])));
  });
  const out: LayerTruth = {
    units,
    toyLabelled: toy.length,
    labelAuroc: mean(perUnit),
    liftTop100: mean(lifts),
    bestAuroc: mean(best),
    shuffledAuroc: mean(shuffled),
  };
  if (nd) {
    const detectors = nd.map((d, u) => ({ ...d, u })).filter((d) => d.iou > DETECTOR_IOU);
    out.ndDetectors = detectors.length;
    out.ndAgreement = detectors.length === 0 ? 0 : detectors.filter((d) => canonicalLabel(labels[d.u] ?? '') === canonicalLabel(d.text)).length / detectors.length;
  }
  return out;
}
