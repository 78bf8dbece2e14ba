/**
 * pgvector's HNSW search width (hnsw.ef_search), set once per database session rather than per
 * search: a per-search SET needs a transaction, four round trips instead of one statement.
 *
 * The default, 32, is below pgvector's 40: on the search benchmark (100,000 neurons, 20,000
 * labels) it keeps recall@10 at 1.0 for word-like queries and costs ~20% less Postgres CPU per
 * search. ATLAS_HNSW_EF_SEARCH overrides it (higher = better recall on queries far from every
 * label, slower).
 */
export const DEFAULT_EF_SEARCH = 32;

function fromEnv(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_EF_SEARCH;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new Error(`ATLAS_HNSW_EF_SEARCH must be an integer from 1 to 1000, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** The session's ef_search: searches for more than this many hits raise it for themselves. */
export const EF_SEARCH = fromEnv(process.env.ATLAS_HNSW_EF_SEARCH);

/** The statement every new session runs first. */
export const SESSION_SETTINGS_SQL = `SET hnsw.ef_search = ${EF_SEARCH}`;
