import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config from '../../codegen.js';
import { repoRoot } from '../store/helpers.js';

describe('generated types', () => {
  it('match src/schema/*.graphql and the explorer\'s operations (run `npm run codegen` after changing either)', async () => {
    const outputs = (await generate({ ...config, cwd: repoRoot, silent: true }, false)) as { filename: string; content: string }[];
    expect(outputs.map((o) => o.filename)).toContain('src/generated/graphql.ts');
    for (const output of outputs) {
      const committed = readFileSync(join(repoRoot, output.filename), 'utf8');
      expect(output.content.trim(), output.filename).toBe(committed.trim());
    }
  });
});
