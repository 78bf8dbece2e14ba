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
