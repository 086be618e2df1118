-- aifp_core.db: rollback v2.2 -> v2.1 -- full-text search over directives
--
-- Hand-written inverse of ../v2.1_to_v2.2_directives_fts.sql: drops the three
-- triggers and the FTS5 index. Nothing is lost: the index holds no data of its
-- own (its content is directives.name and description), and going up rebuilds it.
-- DDL rendered by `aifp-migrate diff ... --as-step --reverse`.

DROP TRIGGER directives_fts_delete;
DROP TRIGGER directives_fts_insert;
DROP TRIGGER directives_fts_update;
DROP TABLE directives_fts;

UPDATE schema_version SET version = '2.1', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
