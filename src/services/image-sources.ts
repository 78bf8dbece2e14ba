/**
 * Where a stored probe image's pixels come from, decided from its uri alone: a toy-world scene
 * rendered from (seed, index), a file the probe set registered, or a remote URL the server does
 * not fetch. Shared by the image and heatmap routes.
 */
import { isAbsolute } from 'node:path';
import { renderScene, generateScene, parseToyImageUri, type RgbImage } from '../toyworld/index.js';

export type ImageSource =
  | { kind: 'toy'; seed: number; index: number }
  | { kind: 'file'; path: string }
  | { kind: 'remote'; url: string };

const REMOTE = /^[a-z][a-z0-9+.-]*:\/\//i;
const TOY = /^toy:-?\d+\/\d+$/;

/** The source of a stored uri; undefined when it names nothing the server can serve (a relative path). */
export function imageSourceOf(uri: string): ImageSource | undefined {
  if (TOY.test(uri)) return { kind: 'toy', ...parseToyImageUri(uri) };
  if (REMOTE.test(uri)) return { kind: 'remote', url: uri };
  // Folder and list probe sets store absolute paths; anything else was never a servable member.
  return isAbsolute(uri) ? { kind: 'file', path: uri } : undefined;
}

/** A toy scene drawn at size x size (vector shapes: crisp at any size, no resampling). */
export function renderToy(source: { seed: number; index: number }, size: number): RgbImage {
  return renderScene(generateScene(source.seed, source.index), size);
}
