import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config from '../../codegen.js';
import { repoRoot } from '../store/helpers.js';

describe('generated types', () => {
  it('match src/schema/*.graphql and the explorer\'s operations (run `npm run codegen` after changing either)', async () => {
    const outputs = (await generate({ ...config, cwd: repoRoot, silent: true }, false)) as { filename: string; content: string }[];
    const files = outputs.map((o) => (isAbsolute(o.filename) ? o.filename.slice(repoRoot.length).replace(/^\//, '') : o.filename)).sort();
    expect(files).toEqual(['src/generated/graphql.ts', 'web/explorer/src/gql/gql.ts', 'web/explorer/src/gql/graphql.ts', 'web/explorer/src/gql/index.ts']);
    for (const output of outputs) {
      const path = isAbsolute(output.filename) ? output.filename : join(repoRoot, output.filename);
      expect(output.content.trim(), output.filename).toBe(readFileSync(path, 'utf8').trim());
    }
  });
});
