import type { ProbeSetRecord } from '../../core/types.js';

/**
 * Where one probe image comes from: a file, or an image generated on demand. A generated image
 * names the module that draws it (a URL whose `renderProbe(seed, index, size)` export returns an
 * RGB image), so that decode workers, which share no registry with the calling thread, can
 * import it themselves.
 */
export type ProbeSource =
  | { kind: 'file'; path: string }
  | { kind: 'generated'; scheme: string; renderer: string; seed: number; index: number };

/** The shape of a generated probe image's renderer module. */
export interface ProbeRenderer {
  renderProbe(seed: number, index: number, size: number): { width: number; height: number; rgb: Uint8Array };
}

export interface ProbeItem {
  ordinal: number;
  uri: string;
  source: ProbeSource;
}

export interface ProbeSet {
  name: string;
  recipe: Record<string, unknown>;
  /** sha256 over the images' bytes (files) or over the generator recipe (generated sets). */
  contentHash: string;
  items: ProbeItem[];
  /** Files of a folder or list left out because they cannot be read or decoded (not in `items`). */
  skipped?: SkippedImage[];
}

/** A probe image left out of its set, and why. */
export interface SkippedImage {
  path: string;
  reason: string;
}

export function probeSetRecord(set: ProbeSet): ProbeSetRecord {
  return {
    name: set.name,
    recipe: set.recipe,
    contentHash: set.contentHash,
    images: set.items.map((i) => ({ ordinal: i.ordinal, uri: i.uri })),
  };
}
