import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config from '../../codegen.js';
import { repoRoot } from '../store/helpers.js';

describe('generated resolver types', () => {
  it('match src/schema/*.graphql (run `npm run codegen` after changing the schema)', async () => {
    const outputs = (await generate({ ...config, cwd: repoRoot, silent: true }, false)) as { filename: string; content: string }[];
    // The server's resolver types, and the explorer's typed operations.
    expect(outputs.map((o) => relative(repoRoot, resolve(repoRoot, o.filename)))).toContain(join('src', 'generated', 'graphql.ts'));
    for (const o of outputs) expect(o.content.trim(), o.filename).toBe(readFileSync(resolve(repoRoot, o.filename), 'utf8').trim());
  });
});
