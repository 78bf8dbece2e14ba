/**
 * Rasterise a toy scene. Pixels and masks come from the same per-pixel object-label buffer, so
 * every mask agrees exactly with the rendered image (no antialiasing, on purpose).
 */
import { hashInts, mix32 } from './random.js';
import type { ToyObject, ToyScene } from './scene.js';
import type { ToyShape } from './vocabulary.js';

export interface RgbImage {
  width: number;
  height: number;
  /** HWC, 3 channels, row-major. */
  rgb: Uint8Array;
}

/** Normals of a regular n-gon with circumradius 1 and a vertex pointing up (y down). */
function polygonNormals(n: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let k = 0; k < n; k++) {
    const a = -Math.PI / 2 + Math.PI / n + (2 * Math.PI * k) / n;
    out.push([Math.cos(a), Math.sin(a)]);
  }
  return out;
}
const TRIANGLE = polygonNormals(3);
const HEXAGON = polygonNormals(6);

function insidePolygon(normals: Array<[number, number]>, u: number, v: number): boolean {
  const apothem = Math.cos(Math.PI / normals.length);
  for (const [nx, ny] of normals) if (u * nx + v * ny > apothem) return false;
  return true;
}

const STAR_INNER = 0.45;
const STAR_SECTOR = (2 * Math.PI) / 5;
const STAR_BX = STAR_INNER * Math.cos(Math.PI / 5);
const STAR_BY = STAR_INNER * Math.sin(Math.PI / 5);

function insideStar(u: number, v: number): boolean {
  const rho = Math.hypot(u, v);
  if (rho > 1) return false;
  if (rho < STAR_INNER * 0.8) return true;
  let phi = (Math.atan2(v, u) + Math.PI / 2) % STAR_SECTOR;
  if (phi < 0) phi += STAR_SECTOR;
  if (phi > STAR_SECTOR / 2) phi = STAR_SECTOR - phi;
  const px = rho * Math.cos(phi);
  const py = rho * Math.sin(phi);
  // Inside when P lies on the origin's side of the edge from the tip (1,0) to the inner vertex.
  return (STAR_BX - 1) * py - STAR_BY * (px - 1) >= 0;
}

/** Is local point (u, v) (unit circumradius, y down) inside the shape? */
export function insideShape(shape: ToyShape, u: number, v: number): boolean {
  switch (shape) {
    case 'circle':
      return u * u + v * v <= 1;
    case 'ring': {
      const r2 = u * u + v * v;
      return r2 <= 1 && r2 >= 0.3;
    }
    case 'square':
      return Math.abs(u) <= 0.78 && Math.abs(v) <= 0.78;
    case 'triangle':
      return insidePolygon(TRIANGLE, u, v);
    case 'hexagon':
      return insidePolygon(HEXAGON, u, v);
    case 'star':
      return insideStar(u, v);
    case 'cross': {
      const au = Math.abs(u);
      const av = Math.abs(v);
      return (au <= 0.3 && av <= 0.92) || (av <= 0.3 && au <= 0.92);
    }
    case 'heart': {
      const x = u * 1.15;
      const y = -v * 1.15 + 0.15;
      const q = x * x + y * y - 1;
      return q * q * q - x * x * y * y * y <= 0;
    }
  }
}

function paintObject(labels: Int8Array, size: number, object: ToyObject, label: number): void {
  const reach = object.radius * 1.05;
  const x0 = Math.max(0, Math.floor((object.cx - reach) * size));
  const x1 = Math.min(size - 1, Math.ceil((object.cx + reach) * size));
  const y0 = Math.max(0, Math.floor((object.cy - reach) * size));
  const y1 = Math.min(size - 1, Math.ceil((object.cy + reach) * size));
  const cos = Math.cos(object.rotation) / object.radius;
  const sin = Math.sin(object.rotation) / object.radius;
  for (let y = y0; y <= y1; y++) {
    const dy = (y + 0.5) / size - object.cy;
    for (let x = x0; x <= x1; x++) {
      const dx = (x + 0.5) / size - object.cx;
      if (insideShape(object.shape, dx * cos + dy * sin, -dx * sin + dy * cos)) labels[y * size + x] = label;
    }
  }
}

/**
 * Per-pixel owner of a size x size rendering: -1 for background, else the index into
 * `scene.objects`. Secondary objects are drawn first, the main object last.
 */
export function rasterizeLabels(scene: ToyScene, size = 64): Int8Array {
  if (!Number.isInteger(size) || size < 8) throw new Error(`toy image size must be an integer >= 8 (got ${size})`);
  const labels = new Int8Array(size * size).fill(-1);
  for (let i = scene.objects.length - 1; i >= 0; i--) paintObject(labels, size, scene.objects[i]!, i);
  return labels;
}

/** 1 where the background shows its second tone, 0 where its base colour. */
function patternAt(scene: ToyScene, x: number, y: number, unit: number, noiseKey: number): number {
  const bg = scene.background;
  // Pattern geometry is defined on a 64-pixel canvas so it scales with the render size.
  const p = (x + 0.5) / unit;
  const q = (y + 0.5) / unit;
  switch (bg.pattern) {
    case 'plain':
      return 0;
    case 'stripes': {
      const t = p * Math.cos(bg.stripeAngle) + q * Math.sin(bg.stripeAngle);
      return Math.floor(t / 4) & 1;
    }
    case 'dots': {
      const dx = (p % 8) - 4;
      const dy = (q % 8) - 4;
      return dx * dx + dy * dy <= 5 ? 1 : 0;
    }
    case 'checkerboard':
      return (Math.floor(p / 8) + Math.floor(q / 8)) & 1;
    case 'grid':
      return p % 8 < 1.25 || q % 8 < 1.25 ? 1 : 0;
    case 'noise':
      return (mix32(noiseKey ^ (y * 65536 + x)) & 0xffff) / 0xffff;
  }
}

/** Draw the scene as a size x size RGB image. */
export function renderScene(scene: ToyScene, size = 64): RgbImage {
  const labels = rasterizeLabels(scene, size);
  return { width: size, height: size, rgb: paintLabels(scene, labels, size) };
}

/** Colour a label buffer from `rasterizeLabels` (split out so callers can reuse the labels). */
export function paintLabels(scene: ToyScene, labels: Int8Array, size: number): Uint8Array {
  const rgb = new Uint8Array(size * size * 3);
  const unit = size / 64;
  const noiseKey = hashInts(scene.seed, scene.index, 0x6e6f6973);
  const [b0, b1, b2] = scene.background.rgb;
  const [p0, p1, p2] = scene.background.patternRgb;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const owner = labels[i]!;
      const o = i * 3;
      if (owner >= 0) {
        const c = scene.objects[owner]!.rgb;
        rgb[o] = c[0];
        rgb[o + 1] = c[1];
        rgb[o + 2] = c[2];
      } else {
        const t = patternAt(scene, x, y, unit, noiseKey);
        rgb[o] = Math.round(b0 + (p0 - b0) * t);
        rgb[o + 1] = Math.round(b1 + (p1 - b1) * t);
        rgb[o + 2] = Math.round(b2 + (p2 - b2) * t);
      }
    }
  }
  return rgb;
}
