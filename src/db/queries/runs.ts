/** Run and label lookups that the query features need beyond the reader's. */
import { sql } from 'drizzle-orm';
import { vectorFromSend64 } from './embeddings.js';
import type { AtlasDb } from '../connection.js';

export interface BaseRun {
  id: number;
  method: string;
  clipModelId: number;
  probeSetId: number;
  /** What its activations were computed with (null: imported or older runs). */
  activationKey: string | null;
}

/**
 * The latest complete run covering a layer that has a CLIP model and a probe set (what rescoring
 * and image search need), preferring clip-dissect runs.
 */
export async function latestClipRunForLayer(db: AtlasDb, layerId: number): Promise<BaseRun | undefined> {
  const res = await db.execute(sql`
    SELECT r.id, r.method, r.clip_model_id AS "clipModelId", r.probe_set_id AS "probeSetId", r.activation_key AS "activationKey"
    FROM run_layers rl JOIN dissection_runs r ON r.id = rl.run_id
    WHERE rl.layer_id = ${layerId} AND r.status = 'complete' AND r.clip_model_id IS NOT NULL AND r.probe_set_id IS NOT NULL
    ORDER BY (r.method = 'clip-dissect') DESC, r.finished_at DESC NULLS LAST, r.id DESC LIMIT 1`);
  const row = res.rows[0] as BaseRun | undefined;
  return row
    ? { id: Number(row.id), method: row.method, clipModelId: Number(row.clipModelId), probeSetId: Number(row.probeSetId), activationKey: row.activationKey ?? null }
    : undefined;
}

/** Rank-0 label per unit of a layer in one run (unit -> { text, conceptId }). */
export async function layerLabels(db: AtlasDb, runId: number, layerId: number): Promise<Map<number, { text: string; conceptId: number }>> {
  const res = await db.execute(sql`
    SELECT n.unit, nl.text, nl.concept_id AS "conceptId" FROM neuron_labels nl JOIN neurons n ON n.id = nl.neuron_id
    WHERE nl.run_id = ${runId} AND nl.rank = 0 AND n.layer_id = ${layerId}`);
  return new Map((res.rows as { unit: number; text: string; conceptId: number }[]).map((r) => [Number(r.unit), { text: r.text, conceptId: Number(r.conceptId) }]));
}

/** Probe sets for which a layer has stored activations of every image. */
export async function probeSetsWithActivations(db: AtlasDb, layerId: number): Promise<number[]> {
  const res = await db.execute(sql`
    SELECT a.probe_set_id AS id FROM activations a JOIN probe_sets p ON p.id = a.probe_set_id
    WHERE a.layer_id = ${layerId} GROUP BY a.probe_set_id, p.size HAVING count(*) = p.size ORDER BY a.probe_set_id DESC`);
  return (res.rows as { id: number }[]).map((r) => Number(r.id));
}

/** Concept embeddings of concept ids for one CLIP model (id -> vector). */
export async function conceptEmbeddingsById(db: AtlasDb, clipModelId: number, conceptIds: number[]): Promise<Map<number, Float32Array>> {
  if (conceptIds.length === 0) return new Map();
  const res = await db.execute(sql`
    SELECT concept_id AS id, encode(vector_send(embedding), 'base64') AS v FROM concept_embeddings
    WHERE clip_model_id = ${clipModelId} AND concept_id = ANY(${sql.param([...new Set(conceptIds)])}::int[])`);
  const out = new Map<number, Float32Array>();
  for (const r of res.rows as { id: number; v: string }[]) out.set(Number(r.id), vectorFromSend64(r.v));
  return out;
}
