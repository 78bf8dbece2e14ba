import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config from '../../codegen.js';
import { repoRoot } from '../store/helpers.js';

describe('generated resolver types', () => {
  it('match src/schema/*.graphql (run `npm run codegen` after changing the schema)', async () => {
    const outputs = (await generate({ ...config, cwd: repoRoot, silent: true }, false)) as { filename: string; content: string }[];
    expect(outputs).toHaveLength(1);
    const committed = readFileSync(join(repoRoot, 'src/generated/graphql.ts'), 'utf8');
    expect(outputs[0]!.content.trim()).toBe(committed.trim());
  });
});
