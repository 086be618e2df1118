-- aifp_core.db: rollback v1.7 -> v1.6 -- intent keywords as rows
--
-- Hand-written inverse of ../v1.6_to_v1.7_intent_keywords.sql: back to the
-- latest 1.6 structure (2025-11-27). Each directive's keyword rows are put
-- back into directives.intent_keywords_json as a JSON array (in row order);
-- a directive without keyword rows gets NULL. Then directives_intent_keywords
-- is dropped: its rows now live in the arrays, so nothing is lost but the row
-- ids. (A directive whose array was '[]' comes back as NULL.)
-- DDL rendered by `aifp-migrate diff ... --as-step --reverse`; the array is
-- the hand-written data migration.

DROP TRIGGER enforce_level_on_fp;
CREATE TABLE new_directives (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "level" INTEGER DEFAULT NULL,
    "parent_directive" TEXT,
    "description" TEXT,
    "workflow" JSON NOT NULL,
    "md_file_path" TEXT,
    "roadblocks_json" TEXT,
    "intent_keywords_json" TEXT,
    "confidence_threshold" REAL DEFAULT 0.5,
    UNIQUE ("name"),
    CHECK (type in('fp','project','git','user_system','user_preference')),
    FOREIGN KEY ("parent_directive") REFERENCES "directives" ("name") ON DELETE NO ACTION ON UPDATE NO ACTION
);
INSERT INTO new_directives (id, name, type, level, parent_directive, description, workflow, md_file_path, roadblocks_json, intent_keywords_json, confidence_threshold) SELECT d.id, d.name, d.type, d.level, d.parent_directive, d.description, d.workflow, d.md_file_path, d.roadblocks_json, (SELECT json_group_array(k.keyword) FROM (SELECT keyword FROM directives_intent_keywords WHERE directive_id = d.id ORDER BY id) AS k HAVING count(*) > 0), d.confidence_threshold FROM directives AS d;
DELETE FROM sqlite_sequence WHERE name = 'new_directives';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_directives', seq FROM sqlite_sequence WHERE name = 'directives';
DROP TABLE directives;
ALTER TABLE new_directives RENAME TO directives;
DROP TABLE directives_intent_keywords;
CREATE TRIGGER enforce_level_on_fp BEFORE INSERT ON directives FOR EACH ROW WHEN NEW . type = 'fp' AND NEW . level IS NOT NULL BEGIN SELECT RAISE(ABORT,'FP directives cannot have a level value.');END;

UPDATE schema_version SET version = '1.6', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
