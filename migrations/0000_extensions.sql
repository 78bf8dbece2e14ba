-- pgvector provides the vector type and HNSW indexes used by the embedding tables.
CREATE EXTENSION IF NOT EXISTS vector;
