/**
 * The use cases over one open atlas, built once at start-up (the server's composition root, or a
 * CLI command) and handed to the resolvers through the GraphQL context. Their caches (text
 * encoders, query embeddings, search scopes and rows) are instance state, shared by every request.
 */
import type { AtlasStore } from '../db/atlas-store.js';
import { BrowseService } from './browse.js';
import { CompareService } from './compare.js';
import { exportAtlas } from './export.js';
import { ImportService } from './import.js';
import { QueuedDissections } from './queued-dissections.js';
import { RescoreService } from './rescore.js';
import { RunsService } from './runs.js';
import { SearchService } from './search.js';
import { TextEncoders } from './text-encoders.js';

export interface AtlasServices {
  /** The API's plain reads (models, layers, neurons, labels, runs); `forRequest()` batches a request's lookups. */
  readonly browse: BrowseService;
  readonly encoders: TextEncoders;
  readonly search: SearchService;
  readonly rescore: RescoreService;
  readonly compare: CompareService;
  readonly imports: ImportService;
  readonly runs: RunsService;
  /** Dissections on the job queue: submit, progress, cancel (Postgres only). */
  readonly dissections: QueuedDissections;
  readonly exportAtlas: (format: Parameters<typeof exportAtlas>[1], sel: Parameters<typeof exportAtlas>[2]) => Promise<string>;
  /** Releases the loaded text encoders and the job queue's connections (the store stays open: its opener closes it). */
  release(): Promise<void>;
}

export function createServices(store: AtlasStore): AtlasServices {
  const encoders = new TextEncoders(store);
  const dissections = new QueuedDissections(store);
  return {
    browse: new BrowseService(store),
    encoders,
    search: new SearchService(store, encoders),
    rescore: new RescoreService(store, encoders),
    compare: new CompareService(store, encoders),
    imports: new ImportService(store, encoders),
    runs: new RunsService(store),
    dissections,
    exportAtlas: (format, sel) => exportAtlas(store, format, sel),
    release: async () => {
      await dissections.close();
      await encoders.release();
    },
  };
}
