/**
 * Logistic calibrators of label confidence (confidence.ts), one per labelling method:
 * p = 1 / (1 + exp(-(intercept + margin * M + zOther * Z + crowd * C))). Fitted on the planted-neuron
 * benchmark's seeds 1-3 (resnet-v1 layer4, 1,000 images, toy words + 10,000 distractors, every
 * unit kind and noise level; `fn/preset` for a preset that changes the function's parameters, see
 * calibratorKey) and checked on seeds 4-6:
 * regenerate with `npx tsx tools/confidence/fit.ts` (see docs/truth.md).
 */
export interface Calibrator {
  intercept: number;
  margin: number;
  zOther: number;
  crowd: number;
}

export const CONFIDENCE_TABLE: Readonly<Record<string, Calibrator>> = {
  soft_wpmi: { intercept: -10.7709, margin: 8.5256, zOther: 31.4939, crowd: -23.9607 },
  'soft_wpmi/final': { intercept: -5.0107, margin: 1.0677, zOther: 0.2179, crowd: 0.2824 },
  wpmi: { intercept: 1.5963, margin: 1.8045, zOther: -0.7587, crowd: 2.0317 },
  cos_similarity: { intercept: -8.5943, margin: 3.1295, zOther: 0.3714, crowd: 1.409 },
  cos_similarity_cubed: { intercept: 5.2289, margin: 2.6398, zOther: -2.3828, crowd: 4.5656 },
  rank_reorder: { intercept: -0.4464, margin: 3.4034, zOther: -2.4727, crowd: 4.4958 },
  netdissect: { intercept: -5.1775, margin: 1.4352, zOther: 1.799, crowd: -0.5308 },
};
