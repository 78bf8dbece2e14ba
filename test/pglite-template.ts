// Builds the migrated PGlite template (see pgliteTemplate) before any test file starts, so that
// test files running side by side do not each build it at once.
import { pgliteTemplate } from './store/helpers.js';

export default async function setup(): Promise<void> {
  await pgliteTemplate();
}
