/** Test hooks shared by the commands that run the image pass. */
import type { DissectOptions } from '../../services/dissect.js';

type AfterBatchHook = NonNullable<DissectOptions['afterBatch']>;

/**
 * Test hook for the tests that kill a process half-way: with ATLAS_TEST_HALT_AFTER_IMAGES=N the
 * first batch that brings an image pass to N images is committed to the checkpoint, a line saying
 * how many images it holds goes to stderr, and the process stops itself (SIGSTOP) until the test
 * kills it. The kill then lands at a known point.
 */
export function haltForTests(at: number | undefined): { afterBatch?: AfterBatchHook } {
  if (at === undefined) return {};
  return {
    afterBatch: ({ done, commit }) => {
      if (done < at) return;
      process.stderr.write(`atlas: test halt with ${commit()} images in the checkpoint\n`);
      process.kill(process.pid, 'SIGSTOP');
    },
  };
}
