-- project.db: rollback v1.8 -> v1.7 -- full-text search
--
-- Inverse of ../v1.7_to_v1.8_full_text_search.sql: drops the sync triggers
-- and the three FTS5 tables. Nothing is lost: the indexes hold only what
-- functions, notes and types hold, and going up again rebuilds them.
--
-- DDL rendered by `aifp-migrate diff --reverse`.

DROP TRIGGER functions_fts_delete;
DROP TRIGGER functions_fts_insert;
DROP TRIGGER functions_fts_update;
DROP TRIGGER notes_fts_delete;
DROP TRIGGER notes_fts_insert;
DROP TRIGGER notes_fts_update;
DROP TRIGGER types_fts_delete;
DROP TRIGGER types_fts_insert;
DROP TRIGGER types_fts_update;
DROP TABLE functions_fts;
DROP TABLE notes_fts;
DROP TABLE types_fts;

-- Update schema version
UPDATE schema_version SET version = '1.7', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
