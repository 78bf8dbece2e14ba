/** Run housekeeping: listing every run, deleting one, cleaning up runs that never completed. */
import { BadInputError, NotFoundError } from '../core/errors.js';
import { RunNotFoundError, RunStillRunningError, type AtlasStore } from '../db/index.js';

export class RunsService {
  constructor(private readonly store: AtlasStore) {}

  /** Every run, whatever its status (the API shows complete ones only). */
  listAll(): ReturnType<AtlasStore['runs']['listAll']> {
    return this.store.runs.listAll();
  }

  /** Deletes a complete or failed run with its results; its layers then show their next run. */
  async delete(runId: number): Promise<{ id: number; method: string; status: 'running' | 'complete' | 'failed' }> {
    try {
      return await this.store.runs.delete(runId);
    } catch (error) {
      if (error instanceof RunNotFoundError) throw new NotFoundError(error.message, { cause: error });
      if (error instanceof RunStillRunningError) throw new BadInputError(error.message, { cause: error, argumentName: 'id' });
      throw error;
    }
  }

  /** Deletes runs that never completed (and failed ones when asked); returns how many. */
  cleanup(opts: { includeFailed?: boolean } = {}): Promise<number> {
    return this.store.runs.cleanupIncomplete(opts);
  }
}
