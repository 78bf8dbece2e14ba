/**
 * The use cases over one open atlas, built once at start-up (the server's composition root, or a
 * CLI command) and handed to the resolvers through the GraphQL context. Their caches (text
 * encoders, query embeddings, search scopes and rows) are instance state, shared by every request.
 */
import type { AtlasStore } from '../db/atlas-store.js';
import { BrowseService } from './browse.js';
import { CompareService } from './compare.js';
import { exportValue } from './export.js';
import { HeatmapService } from './heatmaps.js';
import { ImageActivationsService } from './image-activations.js';
import { ImportService } from './import.js';
import { QueuedDissections } from './queued-dissections.js';
import { ModelsService } from './models.js';
import { ProbeImageService } from './probe-images.js';
import { NeuronStatsService } from './neuron-stats.js';
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
  readonly models: ModelsService;
  /** Probe images for the image routes (rendered or read, encoded, cached). */
  readonly images: ProbeImageService;
  /** Runs stored models on uploaded images (loaded sessions kept; bounded concurrency). */
  readonly imageActivations: ImageActivationsService;
  /** Per-neuron activation statistics; `forRequest()` batches a request's neurons by layer. */
  readonly stats: NeuronStatsService;
  /** Conv units' activation maps over probe images, computed with the model files (cached, bounded). */
  readonly heatmaps: HeatmapService;
  /** A model's labels: the JSON format as a value, the CSV formats as text. */
  readonly exportAtlas: (format: Parameters<typeof exportValue>[1], sel: Parameters<typeof exportValue>[2]) => ReturnType<typeof exportValue>;
  /** Releases the loaded text encoders, target models, model sessions and the job queue's connections (the store stays open: its opener closes it). */
  release(): Promise<void>;
}

export function createServices(store: AtlasStore): AtlasServices {
  const encoders = new TextEncoders(store);
  const dissections = new QueuedDissections(store);
  const heatmaps = new HeatmapService(store);
  const imageActivations = new ImageActivationsService(store, encoders);
  return {
    browse: new BrowseService(store),
    encoders,
    search: new SearchService(store, encoders),
    rescore: new RescoreService(store, encoders),
    compare: new CompareService(store, encoders),
    imports: new ImportService(store, encoders),
    runs: new RunsService(store),
    dissections,
    models: new ModelsService(store),
    images: new ProbeImageService(store),
    imageActivations,
    stats: new NeuronStatsService(store),
    heatmaps,
    exportAtlas: (format, sel) => exportValue(store, format, sel),
    release: async () => {
      await Promise.all([dissections.close(), encoders.release(), heatmaps.release(), imageActivations.release()]);
    },
  };
}
