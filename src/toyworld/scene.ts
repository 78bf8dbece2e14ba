/**
 * Scene annotation: what is in toy image (seed, index), without drawing it. The main object is
 * `objects[0]`: always the largest (radius >= 0.12 while other objects are <= 0.10, in units of
 * the image side), never overlapped by the others, and the one the target networks classify.
 */
import { hashInts, Rng } from './random.js';
import { toyImageUri } from './spec.js';
import {
  TOY_BACKGROUND_COLOURS,
  TOY_BACKGROUND_RGB,
  TOY_COLOUR_RGB,
  TOY_COLOURS,
  TOY_PATTERNS,
  TOY_POSITIONS,
  TOY_SHAPES,
  TOY_SIZES,
  type ToyBackgroundColour,
  type ToyColour,
  type ToyPattern,
  type ToyPosition,
  type ToyShape,
  type ToySize,
} from './vocabulary.js';

export type Rgb = [number, number, number];

export interface ToyObject {
  shape: ToyShape;
  colour: ToyColour;
  size: ToySize;
  /** Named position of the main object; null for the secondary objects. */
  position: ToyPosition | null;
  /** Centre and circumradius, as fractions of the image side (x right, y down). */
  cx: number;
  cy: number;
  radius: number;
  /** Rotation in radians. */
  rotation: number;
  /** Actual fill colour (the named colour, jittered a little). */
  rgb: Rgb;
}

export interface ToyBackground {
  colour: ToyBackgroundColour;
  pattern: ToyPattern;
  rgb: Rgb;
  /** Second tone of the pattern (unused for `plain`). */
  patternRgb: Rgb;
  /** Stripe direction in radians (only meaningful for `stripes`). */
  stripeAngle: number;
}

export interface ToyScene {
  seed: number;
  index: number;
  uri: string;
  /** objects[0] is the main object; it is drawn last. */
  objects: ToyObject[];
  background: ToyBackground;
  caption: string;
}

const LARGE_RADIUS: [number, number] = [0.2, 0.25];
const SMALL_RADIUS: [number, number] = [0.12, 0.15];
const EXTRA_RADIUS: [number, number] = [0.07, 0.1];
const MAX_TILT = (20 * Math.PI) / 180;

function jitter(rng: Rng, rgb: readonly number[], amount: number): Rgb {
  const c = (i: number) => Math.max(0, Math.min(255, Math.round((rgb[i] ?? 0) + rng.uniform(-amount, amount))));
  return [c(0), c(1), c(2)];
}

function placeMain(rng: Rng, position: ToyPosition, r: number): [number, number] {
  const edge = r + 0.03 + rng.uniform(0, 0.05); // distance of the centre from its side
  const across = 0.5 + rng.uniform(-0.1, 0.1);
  switch (position) {
    case 'left':
      return [edge, across];
    case 'right':
      return [1 - edge, across];
    case 'top':
      return [across, edge];
    case 'bottom':
      return [across, 1 - edge];
    case 'centre':
      return [0.5 + rng.uniform(-0.06, 0.06), 0.5 + rng.uniform(-0.06, 0.06)];
  }
}

function makeObject(rng: Rng, size: ToySize, position: ToyPosition | null, radius: number): ToyObject {
  const shape = rng.pick(TOY_SHAPES);
  const colour = rng.pick(TOY_COLOURS);
  return {
    shape,
    colour,
    size,
    position,
    cx: 0,
    cy: 0,
    radius,
    rotation: rng.uniform(-MAX_TILT, MAX_TILT),
    rgb: jitter(rng, TOY_COLOUR_RGB[colour], 10),
  };
}

const PATTERN_PHRASE: Record<ToyPattern, string> = {
  plain: 'plain',
  stripes: 'stripes',
  dots: 'dots',
  checkerboard: 'checkerboard',
  grid: 'grid',
  noise: 'noise',
};

/** "a large red star on the left and a small blue ring, grey background with stripes". */
export function sceneCaption(objects: readonly ToyObject[], background: ToyBackground): string {
  const [main, ...extras] = objects;
  if (!main) throw new Error('sceneCaption: a scene needs a main object');
  const where = main.position === 'centre' ? 'in the centre' : `on the ${main.position ?? 'centre'}`;
  let text = `a ${main.size} ${main.colour} ${main.shape} ${where}`;
  for (const o of extras) text += ` and a ${o.size} ${o.colour} ${o.shape}`;
  const pattern =
    background.pattern === 'plain' ? `plain ${background.colour} background` : `${background.colour} background with ${PATTERN_PHRASE[background.pattern]}`;
  return `${text}, ${pattern}`;
}

/** Annotation of toy image `index` of seed `seed`. Cheap; independent of the set size. */
export function generateScene(seed: number, index: number): ToyScene {
  if (!Number.isInteger(seed) || !Number.isInteger(index) || index < 0) {
    throw new Error(`generateScene: seed and index must be integers, index >= 0 (got seed=${seed}, index=${index})`);
  }
  const rng = new Rng(hashInts(seed, index));
  const size = rng.pick(TOY_SIZES);
  const position = rng.pick(TOY_POSITIONS);
  const range = size === 'large' ? LARGE_RADIUS : SMALL_RADIUS;
  const main = makeObject(rng, size, position, rng.uniform(range[0], range[1]));
  [main.cx, main.cy] = placeMain(rng, position, main.radius);

  const objects: ToyObject[] = [main];
  const extraCount = rng.int(3); // 0..2 extra objects: one to three in all
  for (let e = 0; e < extraCount; e++) {
    const extra = makeObject(rng, 'small', null, rng.uniform(EXTRA_RADIUS[0], EXTRA_RADIUS[1]));
    // Rejection-sample a spot that overlaps nothing, so the main object stays whole.
    for (let attempt = 0; attempt < 30; attempt++) {
      const cx = rng.uniform(extra.radius + 0.01, 1 - extra.radius - 0.01);
      const cy = rng.uniform(extra.radius + 0.01, 1 - extra.radius - 0.01);
      const clear = objects.every((o) => Math.hypot(o.cx - cx, o.cy - cy) > o.radius + extra.radius + 0.03);
      if (clear) {
        extra.cx = cx;
        extra.cy = cy;
        objects.push(extra);
        break;
      }
    }
  }

  const bgColour = rng.pick(TOY_BACKGROUND_COLOURS);
  const pattern = rng.pick(TOY_PATTERNS);
  const bgRgb = jitter(rng, TOY_BACKGROUND_RGB[bgColour], 8);
  const shade = 0.72;
  const background: ToyBackground = {
    colour: bgColour,
    pattern,
    rgb: bgRgb,
    patternRgb: [Math.round(bgRgb[0] * shade), Math.round(bgRgb[1] * shade), Math.round(bgRgb[2] * shade)],
    stripeAngle: rng.pick([0, Math.PI / 4, Math.PI / 2, (3 * Math.PI) / 4]),
  };
  return { seed, index, uri: toyImageUri(seed, index), objects, background, caption: sceneCaption(objects, background) };
}

/** Index of the main object's shape in TOY_SHAPES: the target networks' expected class. */
export function sceneLabel(scene: ToyScene): number {
  const main = scene.objects[0];
  if (!main) throw new Error(`scene ${scene.uri} has no main object`);
  return TOY_SHAPES.indexOf(main.shape);
}
