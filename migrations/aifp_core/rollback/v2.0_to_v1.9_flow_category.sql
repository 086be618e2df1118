-- aifp_core.db: rollback v2.0 -> v1.9 -- flow categories, wider flow types, helper target rename
--
-- Hand-written inverse of ../v1.9_to_v2.0_flow_category.sql: back to the 1.9
-- structure (2025-12-15).
--   * directive_flow.flow_category is dropped (it is derived again going up;
--     a category the rule cannot derive is lost).
--   * helper_functions.target_database values go back to 1.9's names:
--     'multi_db' -> 'orchestrator' (every multi_db helper is one of AIFP's
--     orchestrators), 'no_db' -> 'system' (the inverse rename). Helpers that
--     AIFP moved from 'orchestrator' to 'project' stay 'project', a value 1.9
--     allows.
-- Refused (exit 1, nothing changed, each row named): a flow whose flow_type
-- is one of 2.0's new types (reference_consultation, canonical,
-- error_handler, utility): 1.9's CHECK cannot hold it, and deleting the row
-- would be a silent loss. Remove or retype such flows first.
-- DDL rendered by `aifp-migrate diff ... --as-step --reverse`.
--
-- Data this file destroys (verify checks these markers; the tool names
-- the losses and asks before it runs):
-- aifp-migrate: drops directive_flow.flow_category

SELECT 'directive_flow', 'flow_type', id, 'CHECK: flow_type ' || quote(flow_type) || ' does not exist at 1.9 (status_branch, completion_loop, conditional, error)' FROM directive_flow WHERE flow_type NOT IN ('status_branch', 'completion_loop', 'conditional', 'error');

CREATE TABLE new_directive_flow (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "from_directive" TEXT NOT NULL,
    "to_directive" TEXT NOT NULL,
    "flow_type" TEXT NOT NULL DEFAULT 'conditional',
    "condition_key" TEXT,
    "condition_value" TEXT,
    "condition_description" TEXT,
    "priority" INTEGER DEFAULT 0,
    "description" TEXT,
    CHECK (flow_type in('status_branch','completion_loop','conditional','error')),
    FOREIGN KEY ("from_directive") REFERENCES "directives" ("name") ON DELETE NO ACTION ON UPDATE NO ACTION,
    FOREIGN KEY ("to_directive") REFERENCES "directives" ("name") ON DELETE NO ACTION ON UPDATE NO ACTION
);
INSERT INTO new_directive_flow (id, from_directive, to_directive, flow_type, condition_key, condition_value, condition_description, priority, description) SELECT id, from_directive, to_directive, flow_type, condition_key, condition_value, condition_description, priority, description FROM directive_flow;
DELETE FROM sqlite_sequence WHERE name = 'new_directive_flow';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_directive_flow', seq FROM sqlite_sequence WHERE name = 'directive_flow';
DROP TABLE directive_flow;
ALTER TABLE new_directive_flow RENAME TO directive_flow;
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
INSERT INTO new_helper_functions (id, name, file_path, parameters, purpose, error_handling, is_tool, is_sub_helper, return_statements, target_database) SELECT id, name, file_path, parameters, purpose, error_handling, is_tool, is_sub_helper, return_statements, CASE target_database WHEN 'multi_db' THEN 'orchestrator' WHEN 'no_db' THEN 'system' ELSE target_database END FROM helper_functions;
DELETE FROM sqlite_sequence WHERE name = 'new_helper_functions';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_helper_functions', seq FROM sqlite_sequence WHERE name = 'helper_functions';
DROP TABLE helper_functions;
ALTER TABLE new_helper_functions RENAME TO helper_functions;
CREATE INDEX idx_directive_flow_from ON directive_flow(from_directive);
CREATE INDEX idx_directive_flow_type ON directive_flow(flow_type);

UPDATE schema_version SET version = '1.9', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
