-- aifp_core.db: v1.5 -> v1.6 -- helper target databases, no timestamps, directive type CHECK
--
-- Brings the published 1.5 shape (2025-11-02, 455b307) to the LATEST published
-- 1.6 shape (2025-11-27, 09c43fb); the earlier 1.6 shape (2025-11-24,
-- 3f6b85c) is a published alternate of 1.6, carried by v1.6_to_v1.7.
--   * created_at / updated_at are dropped from categories, directive_helpers,
--     directives, directives_interactions and helper_functions, as AIFP 1.6
--     did. REAL LOSS: those timestamps (the tool names each dropped column).
--   * directives.type gets CHECK (type IN ('fp','project','git','user_system',
--     'user_preference')).
--   * helper_functions gains return_statements (JSON, NULL: nothing to derive
--     it from) and target_database (NOT NULL, CHECK IN ('core','project',
--     'user_preferences','user_directives','orchestrator','system')); file_path,
--     purpose, is_tool and is_sub_helper become NOT NULL.
--
-- Data migration: target_database is DERIVED FROM file_path, from the way AIFP
-- lays out its helper modules by database (aryanduntley/AIFP: helper JSON
-- files dev/helpers-json/*.json and docs/helpers/registry-depricated/*.json,
-- whose rows give file_path and target_database side by side). The path may
-- start with 'src/aifp/' (the 2025-11 registries) or not (later JSON):
--     helpers/core/...  helpers/mcp/...         -> 'core'
--     helpers/project/... helpers/git/...       -> 'project' (every git helper
--                                                 AIFP published targets project.db)
--     helpers/user_preferences/...              -> 'user_preferences'
--     helpers/user_directives/...               -> 'user_directives'
--     helpers/orchestrators/...                 -> 'orchestrator'
-- Any other path (helpers/shared/ holds both core and no-database helpers, so
-- its directory does not decide; placeholders such as TODO_helpers/...; NULL)
-- cannot be derived: the guard below refuses those rows by name.
-- is_tool / is_sub_helper NULL become 0: every AIFP reader treats NULL as
-- false (the columns' DEFAULT is 0 and AIFP's loader writes 0 for "absent").
--
-- Refused (exit 1, nothing changed, each row named): a helper whose file_path
-- or purpose is NULL (NOT NULL, nothing to derive them from), a helper whose
-- file_path names no database, a directive whose type is outside 1.6's list.
-- Inverse: rollback/v1.6_to_v1.5_helper_targets.sql.
--
-- Data this file destroys (verify checks these markers; the tool names
-- the losses and asks before it runs):
-- aifp-migrate: drops categories.created_at, categories.updated_at
-- aifp-migrate: drops directive_helpers.created_at, directive_helpers.updated_at
-- aifp-migrate: drops directives.created_at, directives.updated_at
-- aifp-migrate: drops directives_interactions.created_at, directives_interactions.updated_at
-- aifp-migrate: drops helper_functions.created_at, helper_functions.updated_at

SELECT 'helper_functions', 'file_path', id, 'NOT NULL: helper ' || quote(name) || ' has no file_path, and none can be derived' FROM helper_functions WHERE file_path IS NULL;
SELECT 'helper_functions', 'purpose', id, 'NOT NULL: helper ' || quote(name) || ' has no purpose, and none can be derived' FROM helper_functions WHERE purpose IS NULL;
SELECT 'helper_functions', 'target_database', id, 'NOT NULL: no database can be derived from file_path ' || quote(file_path) FROM helper_functions WHERE file_path IS NOT NULL AND (CASE
        WHEN file_path GLOB 'helpers/core/*' OR file_path GLOB 'src/aifp/helpers/core/*'
          OR file_path GLOB 'helpers/mcp/*' OR file_path GLOB 'src/aifp/helpers/mcp/*' THEN 'core'
        WHEN file_path GLOB 'helpers/project/*' OR file_path GLOB 'src/aifp/helpers/project/*'
          OR file_path GLOB 'helpers/git/*' OR file_path GLOB 'src/aifp/helpers/git/*' THEN 'project'
        WHEN file_path GLOB 'helpers/user_preferences/*' OR file_path GLOB 'src/aifp/helpers/user_preferences/*' THEN 'user_preferences'
        WHEN file_path GLOB 'helpers/user_directives/*' OR file_path GLOB 'src/aifp/helpers/user_directives/*' THEN 'user_directives'
        WHEN file_path GLOB 'helpers/orchestrators/*' OR file_path GLOB 'src/aifp/helpers/orchestrators/*' THEN 'orchestrator'
    END) IS NULL;
SELECT 'directives', 'type', id, 'CHECK: type ' || quote(type) || ' is not one of fp, project, git, user_system, user_preference' FROM directives WHERE type NOT IN ('fp', 'project', 'git', 'user_system', 'user_preference');

DROP TRIGGER enforce_level_on_fp;
ALTER TABLE categories DROP COLUMN created_at;
ALTER TABLE categories DROP COLUMN updated_at;
ALTER TABLE directive_helpers DROP COLUMN created_at;
ALTER TABLE directive_helpers DROP COLUMN updated_at;
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
INSERT INTO new_directives (id, name, type, level, parent_directive, description, workflow, md_file_path, roadblocks_json, intent_keywords_json, confidence_threshold) SELECT id, name, type, level, parent_directive, description, workflow, md_file_path, roadblocks_json, intent_keywords_json, confidence_threshold FROM directives;
DELETE FROM sqlite_sequence WHERE name = 'new_directives';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_directives', seq FROM sqlite_sequence WHERE name = 'directives';
DROP TABLE directives;
ALTER TABLE new_directives RENAME TO directives;
ALTER TABLE directives_interactions DROP COLUMN created_at;
ALTER TABLE directives_interactions DROP COLUMN updated_at;
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
-- Data migration: target_database derived from file_path (rule in the header).
INSERT INTO new_helper_functions (id, name, file_path, parameters, purpose, error_handling, is_tool, is_sub_helper, target_database) SELECT id, name, file_path, parameters, purpose, error_handling, COALESCE(is_tool, 0), COALESCE(is_sub_helper, 0), CASE
        WHEN file_path GLOB 'helpers/core/*' OR file_path GLOB 'src/aifp/helpers/core/*'
          OR file_path GLOB 'helpers/mcp/*' OR file_path GLOB 'src/aifp/helpers/mcp/*' THEN 'core'
        WHEN file_path GLOB 'helpers/project/*' OR file_path GLOB 'src/aifp/helpers/project/*'
          OR file_path GLOB 'helpers/git/*' OR file_path GLOB 'src/aifp/helpers/git/*' THEN 'project'
        WHEN file_path GLOB 'helpers/user_preferences/*' OR file_path GLOB 'src/aifp/helpers/user_preferences/*' THEN 'user_preferences'
        WHEN file_path GLOB 'helpers/user_directives/*' OR file_path GLOB 'src/aifp/helpers/user_directives/*' THEN 'user_directives'
        WHEN file_path GLOB 'helpers/orchestrators/*' OR file_path GLOB 'src/aifp/helpers/orchestrators/*' THEN 'orchestrator'
    END FROM helper_functions;
DELETE FROM sqlite_sequence WHERE name = 'new_helper_functions';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_helper_functions', seq FROM sqlite_sequence WHERE name = 'helper_functions';
DROP TABLE helper_functions;
ALTER TABLE new_helper_functions RENAME TO helper_functions;
CREATE TRIGGER enforce_level_on_fp BEFORE INSERT ON directives FOR EACH ROW WHEN NEW . type = 'fp' AND NEW . level IS NOT NULL BEGIN SELECT RAISE(ABORT,'FP directives cannot have a level value.');END;

UPDATE schema_version SET version = '1.6', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
