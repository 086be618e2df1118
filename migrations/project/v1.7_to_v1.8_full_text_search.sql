-- project.db: v1.7 -> v1.8 -- full-text search
--
-- AIFP's 1.8 (2026-03-19): FTS5 tables functions_fts (name, purpose),
-- notes_fts (content) and types_fts (name, description), each with external
-- content (content='<table>', content_rowid='id') and insert/update/delete
-- sync triggers on its content table.
--
-- Accepts the published 1.7 shape and the chain's 1.7 (column order of
-- functions/types does not matter to FTS5, which reads columns by name).
-- Each index is built once with the 'rebuild' command right after it is
-- created, before its triggers exist, so it is in step with its content
-- table. The build runs with FTS5's automerge off (and crisismerge high),
-- then one 'optimize' merges it into a single segment, and automerge 4 /
-- crisismerge 16 (FTS5's defaults) are set back: on 1M functions that is
-- about half the time of a rebuild that merges as it goes, and the index
-- ends fully merged. No table is rebuilt; no row changes; nothing refused.
--
-- DDL rendered by `aifp-migrate diff` from the chain's 1.7 to its 1.8.
-- Inverse: rollback/v1.8_to_v1.7_full_text_search.sql.

CREATE VIRTUAL TABLE "functions_fts" USING fts5(name,purpose,content = 'functions',content_rowid = 'id');
-- Build functions_fts in one pass: no incremental merging while it is built
-- (automerge 0, crisismerge high), one full merge, then FTS5's defaults back.
INSERT INTO functions_fts(functions_fts, rank) VALUES('automerge', 0);
INSERT INTO functions_fts(functions_fts, rank) VALUES('crisismerge', 2000);
INSERT INTO functions_fts (functions_fts) VALUES ('rebuild');
INSERT INTO functions_fts(functions_fts) VALUES('optimize');
INSERT INTO functions_fts(functions_fts, rank) VALUES('automerge', 4);
INSERT INTO functions_fts(functions_fts, rank) VALUES('crisismerge', 16);
CREATE VIRTUAL TABLE "notes_fts" USING fts5(content,content = 'notes',content_rowid = 'id');
-- Build notes_fts in one pass: no incremental merging while it is built
-- (automerge 0, crisismerge high), one full merge, then FTS5's defaults back.
INSERT INTO notes_fts(notes_fts, rank) VALUES('automerge', 0);
INSERT INTO notes_fts(notes_fts, rank) VALUES('crisismerge', 2000);
INSERT INTO notes_fts (notes_fts) VALUES ('rebuild');
INSERT INTO notes_fts(notes_fts) VALUES('optimize');
INSERT INTO notes_fts(notes_fts, rank) VALUES('automerge', 4);
INSERT INTO notes_fts(notes_fts, rank) VALUES('crisismerge', 16);
CREATE VIRTUAL TABLE "types_fts" USING fts5(name,description,content = 'types',content_rowid = 'id');
-- Build types_fts in one pass: no incremental merging while it is built
-- (automerge 0, crisismerge high), one full merge, then FTS5's defaults back.
INSERT INTO types_fts(types_fts, rank) VALUES('automerge', 0);
INSERT INTO types_fts(types_fts, rank) VALUES('crisismerge', 2000);
INSERT INTO types_fts (types_fts) VALUES ('rebuild');
INSERT INTO types_fts(types_fts) VALUES('optimize');
INSERT INTO types_fts(types_fts, rank) VALUES('automerge', 4);
INSERT INTO types_fts(types_fts, rank) VALUES('crisismerge', 16);
CREATE TRIGGER functions_fts_delete AFTER DELETE ON functions BEGIN INSERT INTO functions_fts(functions_fts,rowid,name,purpose)VALUES('delete',old . id,old . name,COALESCE(old . purpose,''));END;
CREATE TRIGGER functions_fts_insert AFTER INSERT ON functions BEGIN INSERT INTO functions_fts(rowid,name,purpose)VALUES(new . id,new . name,COALESCE(new . purpose,''));END;
CREATE TRIGGER functions_fts_update AFTER UPDATE OF name,purpose ON functions BEGIN INSERT INTO functions_fts(functions_fts,rowid,name,purpose)VALUES('delete',old . id,old . name,COALESCE(old . purpose,''));INSERT INTO functions_fts(rowid,name,purpose)VALUES(new . id,new . name,COALESCE(new . purpose,''));END;
CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN INSERT INTO notes_fts(notes_fts,rowid,content)VALUES('delete',old . id,old . content);END;
CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN INSERT INTO notes_fts(rowid,content)VALUES(new . id,new . content);END;
CREATE TRIGGER notes_fts_update AFTER UPDATE OF content ON notes BEGIN INSERT INTO notes_fts(notes_fts,rowid,content)VALUES('delete',old . id,old . content);INSERT INTO notes_fts(rowid,content)VALUES(new . id,new . content);END;
CREATE TRIGGER types_fts_delete AFTER DELETE ON types BEGIN INSERT INTO types_fts(types_fts,rowid,name,description)VALUES('delete',old . id,old . name,COALESCE(old . description,''));END;
CREATE TRIGGER types_fts_insert AFTER INSERT ON types BEGIN INSERT INTO types_fts(rowid,name,description)VALUES(new . id,new . name,COALESCE(new . description,''));END;
CREATE TRIGGER types_fts_update AFTER UPDATE OF name,description ON types BEGIN INSERT INTO types_fts(types_fts,rowid,name,description)VALUES('delete',old . id,old . name,COALESCE(old . description,''));INSERT INTO types_fts(rowid,name,description)VALUES(new . id,new . name,COALESCE(new . description,''));END;

-- Update schema version
UPDATE schema_version SET version = '1.8', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
