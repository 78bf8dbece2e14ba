/**
 * Files the code reads at run time that are not modules (GraphQL schema, migrations, seed
 * snapshot, toy models) live at fixed places in the package, and are found from its root: the
 * same whether the code runs from src/ (TypeScript, in tests) or from the compiled dist/.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root folder: this module is src/core/paths.ts or dist/core/paths.js. */
export const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A path inside the package, e.g. `packagePath('migrations')`. */
export function packagePath(...parts: string[]): string {
  return join(packageRoot, ...parts);
}
