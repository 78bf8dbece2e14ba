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
  soft_wpmi: { intercept: -11.3237, margin: 8.0913, zOther: 30.5132, crowd: -26.3393 },
  'soft_wpmi/final': { intercept: -3.2363, margin: 0.8044, zOther: 0.0698, crowd: 0.2435 },
  wpmi: { intercept: 3.154, margin: 1.8304, zOther: -0.9458, crowd: 1.3067 },
  cos_similarity: { intercept: -4.8079, margin: 2.119, zOther: 0.1472, crowd: 0.6506 },
  cos_similarity_cubed: { intercept: 4.4502, margin: 3.1343, zOther: -2.0401, crowd: 3.3649 },
  rank_reorder: { intercept: -0.0753, margin: 2.8332, zOther: -2.8305, crowd: 3.9157 },
  netdissect: { intercept: -5.1775, margin: 1.4352, zOther: 1.799, crowd: -0.5308 },
};
