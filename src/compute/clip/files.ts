import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The files of a CLIP folder in the Hugging Face ONNX layout (as transformers.js reads it). */
export const CLIP_FILES = {
  vision: 'onnx/vision_model.onnx',
  text: 'onnx/text_model.onnx',
  tokenizer: 'tokenizer.json',
  tokenizerConfig: 'tokenizer_config.json',
  preprocessor: 'preprocessor_config.json',
  config: 'config.json',
} as const;

/** Files without which a folder cannot be used (tokenizer_config.json is optional). */
export const REQUIRED_CLIP_FILES = [CLIP_FILES.vision, CLIP_FILES.text, CLIP_FILES.tokenizer, CLIP_FILES.preprocessor, CLIP_FILES.config];

export function missingClipFiles(folder: string): string[] {
  return REQUIRED_CLIP_FILES.filter((f) => !existsSync(join(folder, f)));
}

export function readJson(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}
