-- aifp_core.db: v1.6 -> v1.7 -- intent keywords as rows
--
-- Brings a database at EITHER published 1.6 shape to the published 1.7 shape
-- (2025-12-11, 10574e7):
--   * directives.intent_keywords_json (a JSON array of keyword strings) is
--     moved into rows of the new table directives_intent_keywords
--     (directive_id, keyword), one row per array element (json_each), in array
--     order; then the column is dropped. A keyword repeated within one
--     directive's array becomes one row (UNIQUE (directive_id, keyword)).
--   * the earlier 1.6 shape (2025-11-24, 3f6b85c) still has helper_functions
--     without NOT NULL and without the target_database CHECK: the table is
--     rebuilt to the latest 1.6 definition on both shapes (a no-op change on
--     the 2025-11-27 one). A NULL target_database is derived from file_path by
--     the rule documented in v1.5_to_v1.6_helper_targets.sql; a NULL is_tool /
--     is_sub_helper becomes 0 (read as false everywhere in AIFP).
--
-- Refused (exit 1, nothing changed, each row named): a directive whose
-- intent_keywords_json is not a JSON array of non-empty strings (it cannot be
-- split into keywords without guessing); a helper with a NULL file_path or
-- purpose, a NULL target_database that file_path does not determine, or a
-- target_database outside 1.6's CHECK list.
-- DDL rendered by `aifp-migrate diff shapes/v1.6_2025-11-24_3f6b85c.sql shapes/v1.7_... --as-step`.
-- Inverse: rollback/v1.7_to_v1.6_intent_keywords.sql (rebuilds the JSON arrays from the rows).

SELECT 'directives', 'intent_keywords_json', id, 'not a JSON array: ' || quote(substr(intent_keywords_json, 1, 80)) FROM directives WHERE intent_keywords_json IS NOT NULL AND NOT (json_valid(intent_keywords_json) AND json_type(intent_keywords_json) = 'array');
SELECT 'directives', 'intent_keywords_json', id, 'an element is not a non-empty keyword string: ' || quote(substr(intent_keywords_json, 1, 80)) FROM directives WHERE intent_keywords_json IS NOT NULL AND CASE WHEN json_valid(intent_keywords_json) AND json_type(intent_keywords_json) = 'array' THEN EXISTS (SELECT 1 FROM json_each(directives.intent_keywords_json) AS e WHERE e.type <> 'text' OR trim(e.value) = '') ELSE 0 END;
SELECT 'helper_functions', 'file_path', id, 'NOT NULL: helper ' || quote(name) || ' has no file_path, and none can be derived' FROM helper_functions WHERE file_path IS NULL;
SELECT 'helper_functions', 'purpose', id, 'NOT NULL: helper ' || quote(name) || ' has no purpose, and none can be derived' FROM helper_functions WHERE purpose IS NULL;
SELECT 'helper_functions', 'target_database', id, 'NOT NULL: no database can be derived from file_path ' || quote(file_path) FROM helper_functions WHERE target_database IS NULL AND file_path IS NOT NULL AND (CASE
        WHEN file_path GLOB 'helpers/core/*' OR file_path GLOB 'src/aifp/helpers/core/*'
          OR file_path GLOB 'helpers/mcp/*' OR file_path GLOB 'src/aifp/helpers/mcp/*' THEN 'core'
        WHEN file_path GLOB 'helpers/project/*' OR file_path GLOB 'src/aifp/helpers/project/*'
          OR file_path GLOB 'helpers/git/*' OR file_path GLOB 'src/aifp/helpers/git/*' THEN 'project'
        WHEN file_path GLOB 'helpers/user_preferences/*' OR file_path GLOB 'src/aifp/helpers/user_preferences/*' THEN 'user_preferences'
        WHEN file_path GLOB 'helpers/user_directives/*' OR file_path GLOB 'src/aifp/helpers/user_directives/*' THEN 'user_directives'
        WHEN file_path GLOB 'helpers/orchestrators/*' OR file_path GLOB 'src/aifp/helpers/orchestrators/*' THEN 'orchestrator'
    END) IS NULL;
SELECT 'helper_functions', 'target_database', id, 'CHECK: target_database ' || quote(target_database) || ' is not one of core, project, user_preferences, user_directives, orchestrator, system' FROM helper_functions WHERE target_database NOT IN ('core', 'project', 'user_preferences', 'user_directives', 'orchestrator', 'system');

CREATE TABLE "directives_intent_keywords" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "directive_id" INTEGER NOT NULL,
    "keyword" TEXT NOT NULL,
    UNIQUE ("directive_id", "keyword"),
    FOREIGN KEY ("directive_id") REFERENCES "directives" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);
-- Data migration: one row per keyword of each directive's JSON array, in array order.
INSERT OR IGNORE INTO directives_intent_keywords (directive_id, keyword) SELECT d.id, e.value FROM directives AS d, json_each(d.intent_keywords_json) AS e WHERE d.intent_keywords_json IS NOT NULL AND json_valid(d.intent_keywords_json) ORDER BY d.id, e.key;
ALTER TABLE directives DROP COLUMN intent_keywords_json;
CREATE TABLE new_helper_functions (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "file_path" TEXT NOT NULL,
    "parameters" JSON,
    "purpose" TEXT NOT NULL,
    "error_handling" TEXT,
    "is_tool" BOOLEAN NOT NULL DEFAULT 0,
    "is_sub_helper" BOOLEAN NOT NULL DEFAULT 0,
    "return_statements" JSON,
    "target_database" TEXT NOT NULL,
    UNIQUE ("name"),
    CHECK (target_database in('core','project','user_preferences','user_directives','orchestrator','system'))
);
INSERT INTO new_helper_functions (id, name, file_path, parameters, purpose, error_handling, is_tool, is_sub_helper, return_statements, target_database) SELECT id, name, file_path, parameters, purpose, error_handling, COALESCE(is_tool, 0), COALESCE(is_sub_helper, 0), return_statements, COALESCE(target_database, CASE
        WHEN file_path GLOB 'helpers/core/*' OR file_path GLOB 'src/aifp/helpers/core/*'
          OR file_path GLOB 'helpers/mcp/*' OR file_path GLOB 'src/aifp/helpers/mcp/*' THEN 'core'
        WHEN file_path GLOB 'helpers/project/*' OR file_path GLOB 'src/aifp/helpers/project/*'
          OR file_path GLOB 'helpers/git/*' OR file_path GLOB 'src/aifp/helpers/git/*' THEN 'project'
        WHEN file_path GLOB 'helpers/user_preferences/*' OR file_path GLOB 'src/aifp/helpers/user_preferences/*' THEN 'user_preferences'
        WHEN file_path GLOB 'helpers/user_directives/*' OR file_path GLOB 'src/aifp/helpers/user_directives/*' THEN 'user_directives'
        WHEN file_path GLOB 'helpers/orchestrators/*' OR file_path GLOB 'src/aifp/helpers/orchestrators/*' THEN 'orchestrator'
    END) FROM helper_functions;
DELETE FROM sqlite_sequence WHERE name = 'new_helper_functions';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_helper_functions', seq FROM sqlite_sequence WHERE name = 'helper_functions';
DROP TABLE helper_functions;
ALTER TABLE new_helper_functions RENAME TO helper_functions;
CREATE INDEX idx_directive_keywords ON directives_intent_keywords(directive_id);
CREATE INDEX idx_intent_keyword ON directives_intent_keywords(keyword);

UPDATE schema_version SET version = '1.7', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
