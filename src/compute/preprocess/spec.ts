/**
 * Preprocessing recipes: how an image becomes the float32 CHW tensor a network expects.
 * A recipe comes from a preset, a sidecar JSON next to the model, a Hugging Face
 * `preprocessor_config.json`, or command-line overrides.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

export type Interpolation = 'bilinear' | 'bicubic' | 'nearest';

export interface PreprocessSpec {
  /** Target length of the shorter side after resizing (aspect ratio kept). */
  resize: number;
  /** Side of the square centre crop taken after resizing. */
  crop: number;
  /** Per-channel (RGB) mean and std applied to values scaled to [0, 1]. */
  mean: [number, number, number];
  std: [number, number, number];
  /** Resampling filter (PIL semantics: antialiased when shrinking). */
  interpolation: Interpolation;
  /** Centre-crop offset rounding: torchvision rounds (H - crop) / 2 half-to-even, Hugging Face
   *  image processors floor it. They differ by one pixel when H - crop is odd. */
  cropOffset: 'round' | 'floor';
}

/** torchvision's ImageNet recipe (ResNet and most classifiers): the default. */
export const TORCHVISION_IMAGENET: Readonly<PreprocessSpec> = Object.freeze<PreprocessSpec>({
  resize: 256,
  crop: 224,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
  interpolation: 'bilinear',
  cropOffset: 'round',
});

/** OpenAI CLIP at 224 px (ViT-B/32, ViT-B/16), as CLIPImageProcessor applies it. */
export const OPENAI_CLIP: Readonly<PreprocessSpec> = Object.freeze<PreprocessSpec>({
  resize: 224,
  crop: 224,
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
  interpolation: 'bicubic',
  cropOffset: 'floor',
});

export const PRESETS: Readonly<Record<string, Readonly<PreprocessSpec>>> = {
  torchvision: TORCHVISION_IMAGENET,
  clip: OPENAI_CLIP,
};

/** PIL resample codes used by Hugging Face configs. */
const PIL_RESAMPLE: Record<number, Interpolation> = { 0: 'nearest', 2: 'bilinear', 3: 'bicubic' };

/** Recipe from a Hugging Face `preprocessor_config.json` (CLIPImageProcessor and the like). */
export function specFromHfConfig(config: Record<string, unknown>, label = 'preprocessor_config.json'): PreprocessSpec {
  const fail = (what: string): never => {
    throw new Error(`${label}: ${what}`);
  };
  const side = (value: unknown, key: string): number => {
    if (typeof value === 'number') return value;
    if (value && typeof value === 'object') {
      const v = value as Record<string, unknown>;
      if (typeof v.shortest_edge === 'number') return v.shortest_edge;
      if (typeof v.height === 'number' && v.height === v.width) return v.height;
    }
    return fail(`unsupported ${key} ${JSON.stringify(value)} (expected a number, {shortest_edge} or a square {height, width})`);
  };
  if (config.do_resize === false) fail('do_resize=false is not supported');
  if (config.do_normalize === false) fail('do_normalize=false is not supported');
  const resize = side(config.size, 'size');
  const crop = config.do_center_crop === false ? resize : side(config.crop_size ?? resize, 'crop_size');
  const resample = typeof config.resample === 'number' ? config.resample : 3;
  const interpolation = PIL_RESAMPLE[resample] ?? fail(`unsupported resample ${resample}`);
  if (typeof config.rescale_factor === 'number' && Math.abs(config.rescale_factor - 1 / 255) > 1e-9) {
    fail(`unsupported rescale_factor ${config.rescale_factor} (expected 1/255)`);
  }
  return validateSpec(
    { resize, crop, mean: triple(config.image_mean, 'image_mean', label), std: triple(config.image_std, 'image_std', label), interpolation, cropOffset: 'floor' },
    label,
  );
}

/** Read a Hugging Face `preprocessor_config.json`. */
export async function readHfConfig(configPath: string): Promise<PreprocessSpec> {
  return specFromHfConfig(await readJson(configPath), configPath);
}

/**
 * Recipe from our sidecar format:
 * `{ "preprocess": { "preset"?, "resize" | "size", "crop", "mean", "std", "interpolation", "cropOffset"? } }`
 * (the wrapper is optional and may also be spelled `preprocessing`). Missing fields come from
 * `preset` (default torchvision).
 */
export function parseSpec(json: unknown, label: string): PreprocessSpec {
  const root = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  const raw = (root.preprocess ?? root.preprocessing ?? root) as Record<string, unknown>;
  if (!raw || typeof raw !== 'object') throw new Error(`${label}: "preprocess" must be an object`);
  const presetName = raw.preset === undefined ? 'torchvision' : String(raw.preset);
  const preset = PRESETS[presetName];
  if (!preset) throw new Error(`${label}: unknown preset "${presetName}" (known: ${Object.keys(PRESETS).join(', ')})`);
  const spec: PreprocessSpec = { ...preset, mean: [...preset.mean], std: [...preset.std] };
  const resize = raw.resize ?? raw.size;
  if (resize !== undefined) spec.resize = Number(resize);
  if (raw.crop !== undefined) spec.crop = Number(raw.crop);
  if (raw.mean !== undefined) spec.mean = triple(raw.mean, 'mean', label);
  if (raw.std !== undefined) spec.std = triple(raw.std, 'std', label);
  if (raw.interpolation !== undefined) spec.interpolation = raw.interpolation as Interpolation;
  if (raw.cropOffset !== undefined) spec.cropOffset = raw.cropOffset as PreprocessSpec['cropOffset'];
  return validateSpec(spec, label);
}

/** Sidecar path for a model: `net.onnx` -> `net.json`. */
export function sidecarPath(modelPath: string): string {
  return modelPath.replace(/\.onnx$/i, '') + '.json';
}

/**
 * The recipe for a model: its sidecar JSON if present, else torchvision's ImageNet recipe;
 * then `overrides` (from command-line flags) on top. `source` says where it came from.
 */
export async function loadPreprocessSpec(
  modelPath: string,
  overrides: Partial<PreprocessSpec> = {},
): Promise<{ spec: PreprocessSpec; source: string }> {
  const sidecar = sidecarPath(modelPath);
  let spec: PreprocessSpec = { ...TORCHVISION_IMAGENET, mean: [...TORCHVISION_IMAGENET.mean], std: [...TORCHVISION_IMAGENET.std] };
  let source = 'torchvision ImageNet default';
  if (existsSync(sidecar)) {
    spec = parseSpec(await readJson(sidecar), sidecar);
    source = sidecar;
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as Partial<PreprocessSpec>;
  if (Object.keys(defined).length > 0) source += ' + overrides';
  return { spec: validateSpec({ ...spec, ...defined }, source), source };
}

/** Check a recipe, throwing an error that names the bad field. */
export function validateSpec(spec: PreprocessSpec, label = 'preprocess'): PreprocessSpec {
  const positiveInt = (v: number, key: string) => {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${label}: ${key} must be a positive integer, got ${v}`);
  };
  positiveInt(spec.resize, 'resize');
  positiveInt(spec.crop, 'crop');
  if (spec.crop > spec.resize) throw new Error(`${label}: crop ${spec.crop} is larger than resize ${spec.resize}`);
  if (!['bilinear', 'bicubic', 'nearest'].includes(spec.interpolation)) {
    throw new Error(`${label}: unknown interpolation "${spec.interpolation}" (bilinear, bicubic or nearest)`);
  }
  if (!['round', 'floor'].includes(spec.cropOffset)) throw new Error(`${label}: cropOffset must be round or floor`);
  triple(spec.mean, 'mean', label);
  const std = triple(spec.std, 'std', label);
  if (std.some((s) => s <= 0)) throw new Error(`${label}: std must be positive, got ${std.join(', ')}`);
  return spec;
}

function triple(value: unknown, key: string, label: string): [number, number, number] {
  if (!Array.isArray(value) || value.length !== 3 || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new Error(`${label}: ${key} must be three numbers (R, G, B), got ${JSON.stringify(value)}`);
  }
  return [value[0], value[1], value[2]];
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
}
