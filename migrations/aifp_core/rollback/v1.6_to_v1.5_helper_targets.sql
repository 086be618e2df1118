-- aifp_core.db: rollback v1.6 -> v1.5 -- helper target databases, no timestamps, directive type CHECK
--
-- Hand-written inverse of ../v1.5_to_v1.6_helper_targets.sql: back to the
-- 1.5 structure (2025-11-02). Every row is kept, with these real losses:
--   * helper_functions.return_statements and target_database are dropped
--     (1.5 has no such columns; target_database can be derived again from
--     file_path by going up, return_statements cannot);
--   * created_at / updated_at come back as NULL: the forward step lost the
--     real timestamps, and letting DEFAULT CURRENT_TIMESTAMP stamp "now" on
--     old rows would invent a time that never happened.
-- DDL rendered by `aifp-migrate diff ... --as-step --reverse`; only the
-- timestamp values of the copies are written by hand.
--
-- Data this file destroys (verify checks these markers; the tool names
-- the losses and asks before it runs):
-- aifp-migrate: drops helper_functions.return_statements, helper_functions.target_database

DROP TRIGGER enforce_level_on_fp;
CREATE TABLE new_categories (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("name")
);
INSERT INTO new_categories (id, name, description, created_at, updated_at) SELECT id, name, description, NULL, NULL FROM categories;
DELETE FROM sqlite_sequence WHERE name = 'new_categories';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_categories', seq FROM sqlite_sequence WHERE name = 'categories';
DROP TABLE categories;
ALTER TABLE new_categories RENAME TO categories;
CREATE TABLE new_directive_helpers (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "directive_id" INTEGER NOT NULL,
    "helper_function_id" INTEGER NOT NULL,
    "execution_context" TEXT,
    "sequence_order" INTEGER DEFAULT 0,
    "is_required" BOOLEAN DEFAULT 1,
    "parameters_mapping" JSON,
    "description" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("directive_id", "helper_function_id", "execution_context"),
    FOREIGN KEY ("directive_id") REFERENCES "directives" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
    FOREIGN KEY ("helper_function_id") REFERENCES "helper_functions" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);
INSERT INTO new_directive_helpers (id, directive_id, helper_function_id, execution_context, sequence_order, is_required, parameters_mapping, description, created_at, updated_at) SELECT id, directive_id, helper_function_id, execution_context, sequence_order, is_required, parameters_mapping, description, NULL, NULL FROM directive_helpers;
DELETE FROM sqlite_sequence WHERE name = 'new_directive_helpers';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_directive_helpers', seq FROM sqlite_sequence WHERE name = 'directive_helpers';
DROP TABLE directive_helpers;
ALTER TABLE new_directive_helpers RENAME TO directive_helpers;
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
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("name"),
    FOREIGN KEY ("parent_directive") REFERENCES "directives" ("name") ON DELETE NO ACTION ON UPDATE NO ACTION
);
INSERT INTO new_directives (id, name, type, level, parent_directive, description, workflow, md_file_path, roadblocks_json, intent_keywords_json, confidence_threshold, created_at, updated_at) SELECT id, name, type, level, parent_directive, description, workflow, md_file_path, roadblocks_json, intent_keywords_json, confidence_threshold, NULL, NULL FROM directives;
DELETE FROM sqlite_sequence WHERE name = 'new_directives';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_directives', seq FROM sqlite_sequence WHERE name = 'directives';
DROP TABLE directives;
ALTER TABLE new_directives RENAME TO directives;
CREATE TABLE new_directives_interactions (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "source_directive_id" INTEGER NOT NULL,
    "target_directive_id" INTEGER NOT NULL,
    "relation_type" TEXT NOT NULL,
    "weight" INTEGER DEFAULT 1,
    "description" TEXT,
    "active" BOOLEAN DEFAULT 1,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (relation_type in('triggers','depends_on','escalates_to','cross_link','fp_reference')),
    FOREIGN KEY ("source_directive_id") REFERENCES "directives" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION,
    FOREIGN KEY ("target_directive_id") REFERENCES "directives" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION
);
INSERT INTO new_directives_interactions (id, source_directive_id, target_directive_id, relation_type, weight, description, active, created_at, updated_at) SELECT id, source_directive_id, target_directive_id, relation_type, weight, description, active, NULL, NULL FROM directives_interactions;
DELETE FROM sqlite_sequence WHERE name = 'new_directives_interactions';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_directives_interactions', seq FROM sqlite_sequence WHERE name = 'directives_interactions';
DROP TABLE directives_interactions;
ALTER TABLE new_directives_interactions RENAME TO directives_interactions;
CREATE TABLE new_helper_functions (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "file_path" TEXT,
    "parameters" JSON,
    "purpose" TEXT,
    "error_handling" TEXT,
    "is_tool" BOOLEAN DEFAULT 0,
    "is_sub_helper" BOOLEAN DEFAULT 0,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("name")
);
INSERT INTO new_helper_functions (id, name, file_path, parameters, purpose, error_handling, is_tool, is_sub_helper, created_at, updated_at) SELECT id, name, file_path, parameters, purpose, error_handling, is_tool, is_sub_helper, NULL, NULL FROM helper_functions;
DELETE FROM sqlite_sequence WHERE name = 'new_helper_functions';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_helper_functions', seq FROM sqlite_sequence WHERE name = 'helper_functions';
DROP TABLE helper_functions;
ALTER TABLE new_helper_functions RENAME TO helper_functions;
CREATE INDEX idx_directive_helpers_directive ON directive_helpers(directive_id);
CREATE INDEX idx_directive_helpers_helper ON directive_helpers(helper_function_id);
CREATE INDEX idx_interactions_relation_type ON directives_interactions(relation_type);
CREATE INDEX idx_interactions_source ON directives_interactions(source_directive_id);
CREATE INDEX idx_interactions_target ON directives_interactions(target_directive_id);
CREATE TRIGGER enforce_level_on_fp BEFORE INSERT ON directives FOR EACH ROW WHEN NEW . type = 'fp' AND NEW . level IS NOT NULL BEGIN SELECT RAISE(ABORT,'FP directives cannot have a level value.');END;

UPDATE schema_version SET version = '1.5', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
