-- aifp_core.db: v2.1 -> v2.2 -- full-text search over directives
--
-- Brings the published 2.1 shape (2026-03-11, d149c6c) to the published 2.2
-- shape (2026-03-19, 293d059): the FTS5 table directives_fts (external
-- content: directives.name and description, rowid = directives.id) and the
-- three triggers that keep it in step with directives.
-- The index is built from the content table in one pass with the FTS5
-- 'rebuild' command (before the triggers exist, so no row goes through them),
-- so it holds every existing directive. Nothing is lost or refused.
-- DDL rendered by `aifp-migrate diff shapes/v2.1_... shapes/v2.2_... --as-step`.
-- Inverse: rollback/v2.2_to_v2.1_directives_fts.sql.

CREATE VIRTUAL TABLE "directives_fts" USING fts5(name,description,content = 'directives',content_rowid = 'id');
INSERT INTO directives_fts (directives_fts) VALUES ('rebuild');
CREATE TRIGGER directives_fts_delete AFTER DELETE ON directives BEGIN INSERT INTO directives_fts(directives_fts,rowid,name,description)VALUES('delete',old . id,old . name,COALESCE(old . description,''));END;
CREATE TRIGGER directives_fts_insert AFTER INSERT ON directives BEGIN INSERT INTO directives_fts(rowid,name,description)VALUES(new . id,new . name,COALESCE(new . description,''));END;
CREATE TRIGGER directives_fts_update AFTER UPDATE OF name,description ON directives BEGIN INSERT INTO directives_fts(directives_fts,rowid,name,description)VALUES('delete',old . id,old . name,COALESCE(old . description,''));INSERT INTO directives_fts(rowid,name,description)VALUES(new . id,new . name,COALESCE(new . description,''));END;

UPDATE schema_version SET version = '2.2', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
