import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { config } from '../../core/config.js';
import { saveResponse } from '../../core/download.js';
import { atlasCacheDir } from '../pipeline/cache-dir.js';
import { startProgress } from '../pipeline/progress.js';
import { CLIP_FILES, missingClipFiles, REQUIRED_CLIP_FILES } from './files.js';

export type ClipSpec = { kind: 'hf'; repo: string } | { kind: 'local'; path: string };

export interface ResolvedClip {
  folder: string;
  /** `ORG/NAME` for hub models, undefined for local folders (the config decides). */
  name?: string;
  /** `hf:ORG/NAME` or the local path, recorded with the model. */
  source: string;
}

/** `hf:ORG/NAME` downloads from the Hugging Face hub; anything else is a local folder. */
export function parseClipSpec(spec: string): ClipSpec {
  if (spec.startsWith('hf:')) {
    const repo = spec.slice(3);
    if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) throw new Error(`--clip ${spec}: expected hf:ORG/NAME`);
    return { kind: 'hf', repo };
  }
  return { kind: 'local', path: spec };
}

/** `$ATLAS_CACHE_DIR/hf`, else `~/.cache/neuron-atlas/hf`. */
export function defaultHfCacheDir(): string {
  return join(atlasCacheDir(), 'hf');
}

export interface ResolveOptions {
  cacheDir?: string;
  quiet?: boolean;
}

export async function resolveClip(spec: string, opts: ResolveOptions = {}): Promise<ResolvedClip> {
  const parsed = parseClipSpec(spec);
  if (parsed.kind === 'local') {
    const folder = resolve(parsed.path);
    if (!existsSync(folder)) throw new Error(`--clip ${spec}: folder not found`);
    return { folder, source: folder };
  }
  const folder = join(opts.cacheDir ?? defaultHfCacheDir(), ...parsed.repo.split('/'));
  if (missingClipFiles(folder).length > 0) await downloadRepo(parsed.repo, folder, opts.quiet ?? false);
  return { folder, name: parsed.repo, source: `hf:${parsed.repo}` };
}

function endpoint(): string {
  return config().hfEndpoint;
}

async function downloadRepo(repo: string, folder: string, quiet: boolean): Promise<void> {
  const files = [...REQUIRED_CLIP_FILES, CLIP_FILES.tokenizerConfig];
  for (const file of files) {
    const target = join(folder, file);
    if (existsSync(target)) continue;
    const optional = file === CLIP_FILES.tokenizerConfig;
    await downloadFile(repo, file, target, optional, quiet);
  }
}

async function downloadFile(repo: string, file: string, target: string, optional: boolean, quiet: boolean): Promise<void> {
  const url = `${endpoint()}/${repo}/resolve/main/${file}`;
  const headers: Record<string, string> = {};
  const token = config().hfToken;
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(url, { headers, redirect: 'follow' });
  } catch (error) {
    const cause = (error as { cause?: { message?: string; code?: string } }).cause;
    const why = cause?.message ?? cause?.code ?? (error as Error).message;
    throw new Error(
      `cannot reach ${new URL(endpoint()).host} to download ${repo}: ${why}; download the folder elsewhere and pass --clip ./folder`,
      { cause: error },
    );
  }
  if (response.status === 404 && optional) return;
  if (!response.ok || !response.body) {
    const hint =
      response.status === 401 || response.status === 403
        ? ' (private or gated repository: set HF_TOKEN)'
        : response.status === 404
          ? ' (the repository must hold a transformers.js-style ONNX export)'
          : '';
    throw new Error(`downloading ${repo}/${file} from ${url} failed: HTTP ${response.status}${hint}`);
  }
  mkdirSync(dirname(target), { recursive: true });
  const total = Number(response.headers.get('content-length') ?? 0);
  const bar = startProgress(`download ${file}`, Math.max(1, Math.round(total / 1e6)), 'MB', { quiet: quiet || total < 5e6 });
  let bytes = 0;
  let reported = 0;
  const progress = (chunk: number) => {
    bytes += chunk;
    const mb = Math.floor(bytes / 1e6);
    if (mb > reported) {
      bar.increment(mb - reported);
      reported = mb;
    }
  };
  try {
    await saveResponse(response, target, progress);
  } catch (error) {
    throw new Error(`downloading ${repo}/${file} failed: ${(error as Error).message}`, { cause: error });
  } finally {
    bar.stop();
  }
}
