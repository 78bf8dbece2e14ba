/** Model housekeeping: deleting a model version once none of its runs is left. */
import { BadInputError, NotFoundError, type Audience } from '../core/errors.js';
import type { AtlasStore } from '../db/index.js';

export interface DeletedModel {
  name: string;
  version: string;
  /** Layers deleted with it. */
  layers: number;
}

export class ModelsService {
  constructor(private readonly store: AtlasStore) {}

  /**
   * Deletes a model version with its layers, neurons and activations. Without `version`, the
   * model's only version. Refused while any run of it exists, naming them and how to delete them.
   */
  async delete(name: string, version?: string | null, audience: Audience = 'api'): Promise<DeletedModel> {
    const versions = (await this.store.models.list()).filter((m) => m.name === name);
    const model = version ? versions.find((m) => m.version === version) : versions.length === 1 ? versions[0] : undefined;
    if (!model) {
      if (versions.length > 1 && !version) {
        throw new BadInputError(`model ${name} has ${versions.length} versions (${versions.map((m) => m.version).join(', ')}): name the one to delete (${audience === 'api' ? '`version`' : '--version'})`, {
          argumentName: 'version',
        });
      }
      const known = (await this.store.models.list()).map((m) => `${m.name}@${m.version}`);
      throw new NotFoundError(`model ${version ? `${name}@${version}` : name} is not in the atlas; known models: ${known.join(', ') || '(none)'}`);
    }
    const layers = (await this.store.models.layers(model.id)).length;
    const outcome = await this.store.models.deleteIfNoRuns(model.id);
    if (!outcome.deleted && outcome.runs.length === 0) throw new NotFoundError(`model ${name}@${model.version} is not in the atlas`);
    if (!outcome.deleted) {
      const runs = outcome.runs.map((r) => `${r.id} (${r.method}, ${r.status})`).join(', ');
      const running = outcome.runs.some((r) => r.status === 'running');
      throw new BadInputError(
        `model ${name}@${model.version} still has ${outcome.runs.length} run(s): ${runs}; delete them first ` +
          (audience === 'api' ? '(the deleteRun mutation, with `id`)' : '(`atlas db delete-run ID`)') +
          (running ? '; runs that never completed go with `atlas db cleanup`' : ''),
        { argumentName: 'name' },
      );
    }
    return { name, version: model.version, layers };
  }

  /** Deletes every model that has no run at all; returns them as `name@version`. */
  async deleteModelsWithoutRuns(): Promise<string[]> {
    return (await this.store.models.deleteModelsWithoutRuns()).map((m) => `${m.name}@${m.version}`);
  }
}
