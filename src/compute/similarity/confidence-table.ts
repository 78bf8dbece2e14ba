/**
 * Logistic calibrators of label confidence (confidence.ts), one per labelling method:
 * p = 1 / (1 + exp(-(intercept + margin * M + zOther * Z + crowd * C))). Fitted on the planted-neuron
 * benchmark's seeds 1-3 (resnet-v1 layer4, 1,000 images, toy words + 10,000 distractors, every
 * unit kind and noise level, each method's presets together) and checked on seeds 4-6:
 * regenerate with `npx tsx tools/confidence/fit.ts` (see docs/truth.md).
 */
export interface Calibrator {
  intercept: number;
  margin: number;
  zOther: number;
  crowd: number;
}

export const CONFIDENCE_TABLE: Readonly<Record<string, Calibrator>> = {
  soft_wpmi: { intercept: 0.299, margin: 1.315, zOther: -0.289, crowd: 0.509 },
  wpmi: { intercept: 2.937, margin: 1.817, zOther: -0.902, crowd: 1.364 },
  cos_similarity: { intercept: -5.04, margin: 2.136, zOther: 0.169, crowd: 0.71 },
  cos_similarity_cubed: { intercept: 4.309, margin: 3.138, zOther: -1.968, crowd: 3.313 },
  rank_reorder: { intercept: -0.113, margin: 2.818, zOther: -2.777, crowd: 3.962 },
  netdissect: { intercept: -6.089, margin: 2.452, zOther: 1.58, crowd: 0.28 },
};
