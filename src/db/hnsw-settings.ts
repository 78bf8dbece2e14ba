import { config } from '../core/config.js';

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

/**
 * The session's ef_search: searches for more than this many hits raise it for themselves. A
 * function, so that a bad ATLAS_HNSW_EF_SEARCH is reported when a store opens, not on import.
 */
export const efSearch = (): number => config().hnswEfSearch ?? DEFAULT_EF_SEARCH;

/** The statement every new session runs first. */
export const sessionSettingsSql = (): string => `SET hnsw.ef_search = ${efSearch()}`;
