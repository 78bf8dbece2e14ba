// Gives the whole test run a private TMPDIR (inherited by test workers and the CLIs they spawn)
// and removes it afterwards, so temp atlases, checkpoints and images never pile up in /tmp.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'neuron-atlas-test-'));
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
