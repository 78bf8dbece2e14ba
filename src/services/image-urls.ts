/**
 * The root-relative URLs the server answers for probe images and heatmaps (see server/images.ts);
 * the GraphQL fields `url`, `thumbnailUrl` and `heatmapUrl` hand them to clients.
 */
import { THUMBNAIL_SIZE } from './probe-images.js';
import { imageSourceOf } from './image-sources.js';

/** Full-size image: `/images/<probeSetId>/<ordinal>`; a remote uri is its own URL (the server does not fetch it). */
export function imageUrl(probeSetId: number, ordinal: number, uri: string): string {
  return imageSourceOf(uri)?.kind === 'remote' ? uri : `/images/${probeSetId}/${ordinal}`;
}

/** Thumbnail (longest side 128 px): `/images/<probeSetId>/<ordinal>?size=128`. */
export function thumbnailUrl(probeSetId: number, ordinal: number, uri: string): string {
  return imageSourceOf(uri)?.kind === 'remote' ? uri : `/images/${probeSetId}/${ordinal}?size=${THUMBNAIL_SIZE}`;
}

/** A unit's activation map over an image: `/heatmaps/<layerId>/<unit>/<probeSetId>/<ordinal>`. */
export function heatmapUrl(layerId: number, unit: number, probeSetId: number, ordinal: number): string {
  return `/heatmaps/${layerId}/${unit}/${probeSetId}/${ordinal}`;
}
