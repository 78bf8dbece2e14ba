/**
 * Label normalisation for comparing atlases of different tools: CLIP-Dissect writes concept words
 * ("dogs", "Sky"), MILAN sentences, Network Dissection Broden names with a category suffix
 * ("sky-s" for a scene, "red-c" for a colour) and underscores ("airport_terminal-s").
 */
import pluralize from 'pluralize';

/** Broden's category suffixes as Network Dissection writes them: `-s` scene, `-c` colour. */
const BRODEN_SUFFIX = /-[sc]$/;

/**
 * The comparable form of a label: lower case; a Broden `-s`/`-c` suffix dropped; underscores,
 * hyphens and other punctuation read as spaces; each word singular (English rules: "skies" ->
 * "sky", "glasses" -> "glass"); runs of spaces collapsed. "Dogs", "dog" and "dog-s" are one label.
 */
export function normaliseLabel(label: string): string {
  const lower = label.trim().toLowerCase().replace(BRODEN_SUFFIX, '');
  return lower
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .map((w) => (/^\p{L}+$/u.test(w) ? pluralize.singular(w) : w))
    .join(' ');
}

/** Labels that agree once normalised (see normaliseLabel); false when either is missing. */
export function sameNormalisedLabel(a: string | null | undefined, b: string | null | undefined): boolean {
  return a != null && b != null && normaliseLabel(a) === normaliseLabel(b);
}
