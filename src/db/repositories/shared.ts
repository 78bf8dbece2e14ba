/** Statements more than one repository runs (inside its own transactions). */
import { and, asc, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { LayerRecord } from '../../core/types.js';
import { chunks } from '../codec.js';
import { firstRow } from '../rows.js';
import type { Queryable } from '../connection.js';
import * as t from '../schema.js';

export type LayerInfo = typeof t.layers.$inferSelect;

export function validateLayer(l: LayerRecord): void {
  if (!l.name) throw new Error('layer needs a name');
  if (!['conv', 'token', 'dense'].includes(l.kind)) throw new Error(`layer ${l.name}: unknown kind ${String(l.kind)}`);
  if (!Number.isInteger(l.units) || l.units < 1) throw new Error(`layer ${l.name}: invalid unit count ${l.units}`);
}

/** Inserts or updates a layer at `position` and makes its neurons exactly 0..units-1. */
export async function upsertLayer(q: Queryable, modelId: number, l: LayerRecord, position: number): Promise<void> {
  const [row] = await q
    .insert(t.layers)
    .values({ modelId, name: l.name, kind: l.kind, units: l.units, position })
    .onConflictDoUpdate({ target: [t.layers.modelId, t.layers.name], set: { kind: l.kind, units: l.units, position } })
    .returning({ id: t.layers.id });
  const layerId = row!.id;
  await q.execute(sql`DELETE FROM neurons WHERE layer_id = ${layerId} AND unit >= ${l.units}`);
  await q.execute(sql`INSERT INTO neurons (layer_id, unit)
    SELECT ${layerId}, g FROM generate_series(0, ${l.units - 1}) AS g
    ON CONFLICT (layer_id, unit) DO NOTHING`);
}

export async function findLayer(q: Queryable, modelId: number, name: string): Promise<LayerInfo | undefined> {
  const [row] = await q
    .select()
    .from(t.layers)
    .where(and(eq(t.layers.modelId, modelId), eq(t.layers.name, name)));
  return row;
}

export async function listLayers(q: Queryable, modelId: number): Promise<LayerInfo[]> {
  return q.select().from(t.layers).where(eq(t.layers.modelId, modelId)).orderBy(asc(t.layers.position));
}

/** The layer, or an error naming the model's layers. */
export async function requireLayer(q: Queryable, modelId: number, name: string): Promise<LayerInfo> {
  const layer = await findLayer(q, modelId, name);
  if (!layer) {
    const known = (await listLayers(q, modelId)).map((l) => l.name);
    throw new Error(`layer ${name} is not in model ${modelId}; known layers: ${known.join(', ') || '(none)'}`);
  }
  return layer;
}

/** Inserts missing concept texts; returns text -> id for all of `texts`. */
export async function ensureConcepts(q: Queryable, texts: string[], batch = 10000): Promise<Map<string, number>> {
  const unique = [...new Set(texts)];
  const ids = new Map<string, number>();
  for (const part of chunks(unique, batch)) {
    await q
      .insert(t.concepts)
      .values(part.map((text) => ({ text })))
      .onConflictDoNothing();
    const rows = await q
      .select({ id: t.concepts.id, text: t.concepts.text })
      .from(t.concepts)
      .where(inArray(t.concepts.text, part));
    for (const r of rows) ids.set(r.text, r.id);
  }
  return ids;
}

/**
 * Maps a `to_jsonb(row)` of `table` to the row type Drizzle's select() returns (camelCase keys,
 * Dates): lets one statement bring whole rows of joined tables.
 */
export function rowFromJson<T extends PgTable>(table: T, json: unknown): T['$inferSelect'] {
  const parsed: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`expected a JSON row of ${String(table)}`);
  const raw = parsed as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = raw[column.name];
    out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return out as T['$inferSelect'];
}

/** Groups (run, neuron) keys by run. */
export function groupByRun(keys: readonly { runId: number; neuronId: number }[]): Map<number, number[]> {
  const byRun = new Map<number, number[]>();
  for (const k of keys) {
    const list = byRun.get(k.runId) ?? [];
    list.push(k.neuronId);
    byRun.set(k.runId, list);
  }
  return byRun;
}

/** Changes whenever a run completes or is deleted (count and sum of ids: a deletion and a completion together still move the sum). */
export async function runsFingerprint(q: Queryable): Promise<string> {
  const res = await q.execute(
    sql`SELECT count(*)::int AS n, coalesce(sum(id), 0)::float8 AS m FROM dissection_runs WHERE status = 'complete'`,
  );
  const row = firstRow(res, (r) => `${r.num('n')}:${r.num('m')}`);
  if (row === undefined) throw new Error('runs fingerprint: no row');
  return row;
}
