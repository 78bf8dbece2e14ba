/**
 * The words the toy world can name. Order matters: `TOY_SHAPES[i]` is output index i of the
 * toy target networks (models/toy/*.onnx), so never reorder or insert in the middle.
 */
export const TOY_SHAPES = ['circle', 'square', 'triangle', 'star', 'cross', 'heart', 'hexagon', 'ring'] as const;
export type ToyShape = (typeof TOY_SHAPES)[number];

/** Object colours, with their nominal sRGB value (each scene jitters it slightly). */
export const TOY_COLOUR_RGB = {
  red: [220, 35, 35],
  green: [35, 175, 60],
  blue: [40, 80, 225],
  yellow: [245, 225, 40],
  orange: [250, 140, 20],
  purple: [140, 45, 185],
  white: [248, 248, 248],
  black: [15, 15, 15],
} as const satisfies Record<string, readonly [number, number, number]>;
export type ToyColour = keyof typeof TOY_COLOUR_RGB;
export const TOY_COLOURS = Object.keys(TOY_COLOUR_RGB) as ToyColour[];

/** Background colours: muted tones chosen to stay distinguishable from every object colour. */
export const TOY_BACKGROUND_RGB = {
  grey: [128, 128, 128],
  brown: [120, 88, 62],
  teal: [48, 112, 112],
  beige: [184, 170, 138],
} as const satisfies Record<string, readonly [number, number, number]>;
export type ToyBackgroundColour = keyof typeof TOY_BACKGROUND_RGB;
export const TOY_BACKGROUND_COLOURS = Object.keys(TOY_BACKGROUND_RGB) as ToyBackgroundColour[];

export const TOY_SIZES = ['small', 'large'] as const;
export type ToySize = (typeof TOY_SIZES)[number];

export const TOY_POSITIONS = ['left', 'right', 'top', 'bottom', 'centre'] as const;
export type ToyPosition = (typeof TOY_POSITIONS)[number];

export const TOY_PATTERNS = ['plain', 'stripes', 'dots', 'checkerboard', 'grid', 'noise'] as const;
export type ToyPattern = (typeof TOY_PATTERNS)[number];

/** Every concept word the world can name (and give a mask for): the toy concept set. */
export const TOY_VOCABULARY: readonly string[] = [
  ...TOY_SHAPES,
  ...TOY_COLOURS,
  ...TOY_BACKGROUND_COLOURS,
  ...TOY_SIZES,
  ...TOY_POSITIONS,
  ...TOY_PATTERNS,
];

/**
 * Plurals and near-synonyms a person would accept for a toy word ("circles" or "round" for a
 * circle detector, "gray" for grey, "big" for large). The toy CLIP's text side is trained so each
 * embeds next to its toy word (so none is a distractor), and the truth benchmarks count a label
 * that is one of them as its toy word, as the paper counts near-synonyms by embedding similarity.
 * Each variant belongs to one toy word only. Words with no entry have no accepted variant.
 */
export const TOY_SYNONYMS: Readonly<Partial<Record<string, readonly string[]>>> = {
  circle: ['circles', 'circular', 'round'],
  square: ['squares'],
  triangle: ['triangles', 'triangular'],
  star: ['stars'],
  cross: ['crosses'],
  heart: ['hearts'],
  hexagon: ['hexagons', 'hexagonal'],
  ring: ['rings'],
  grey: ['gray'],
  small: ['little'],
  large: ['big'],
  centre: ['center', 'middle'],
  stripes: ['stripe', 'striped'],
  dots: ['dot', 'dotted'],
  checkerboard: ['checkered', 'chequered'],
  grid: ['grids'],
  noise: ['noisy'],
};

/** Every variant of `TOY_SYNONYMS`, toy word order. */
export const TOY_VARIANTS: readonly string[] = TOY_VOCABULARY.flatMap((w) => TOY_SYNONYMS[w] ?? []);

const canonical = new Map<string, string>([...TOY_VOCABULARY.map((w) => [w, w] as const), ...TOY_VOCABULARY.flatMap((w) => (TOY_SYNONYMS[w] ?? []).map((v) => [v, w] as const))]);

/** The toy word a label names (itself, or the word it is a plural or synonym of), else undefined. Case and outer spaces are ignored. */
export function toyWordOf(label: string): string | undefined {
  return canonical.get(label.trim().toLowerCase());
}

/** A label as the truth benchmarks compare it: its toy word when it names one, else trimmed and lower-cased. */
export function canonicalLabel(label: string): string {
  const l = label.trim().toLowerCase();
  return canonical.get(l) ?? l;
}
