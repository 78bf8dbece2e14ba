-- Concept embeddings are looked up by (CLIP model, concept), never by nearness: searches go
-- through label_search's own index. Their per-model HNSW indexes only slowed every insert
-- (each row a graph insertion: ~5 ms a concept on PGlite), so they go.
DO $$
DECLARE ix record;
BEGIN
  FOR ix IN SELECT indexname FROM pg_indexes
            WHERE schemaname = current_schema() AND tablename = 'concept_embeddings' AND indexname LIKE 'concept_embeddings_hnsw_clip_%'
  LOOP
    EXECUTE format('DROP INDEX IF EXISTS %I', ix.indexname);
  END LOOP;
END $$;
