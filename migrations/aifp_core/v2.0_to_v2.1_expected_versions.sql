-- aifp_core.db: v2.0 -> v2.1 -- expected_schema_versions
--
-- Brings a database at ANY of the three published 2.0 shapes to the published
-- 2.1 shape (2026-03-11, d149c6c):
--   * 2026-01-04 (f14f262): flow_type CHECK still narrow, target_database
--     CHECK still has 'orchestrator'/'system';
--   * 2026-01-10 (714db76): flow_type CHECK wide, target_database CHECK old;
--   * 2026-01-28 (faf8ba1): both new (the rebuilds below change no row).
-- directive_flow and helper_functions are rebuilt to the latest definitions
-- on every shape (rows and flow_category values copied as they are).
--
-- helper_functions.target_database: AIFP 2.0 (2026-01-28, faf8ba1) renamed the
-- CHECK values 'orchestrator' and 'system' (AIFP's ORCHESTRATOR implementation
-- plan of 2026-01-28, aryanduntley/AIFP):
--   * 'system' -> 'no_db': a plain rename ("Non-database operations").
--   * 'orchestrator' was NOT renamed one-to-one: AIFP re-classified each
--     orchestrator helper by the databases it uses. Mapped exactly as AIFP's
--     published table says: aifp_init, aifp_run, aifp_status,
--     validate_initialization -> 'multi_db'; get_project_status,
--     get_task_context, get_current_progress, update_project_state,
--     batch_update_progress, query_project_state, get_files_by_flow_context
--     -> 'project'. Any other 'orchestrator' helper cannot be mapped with
--     certainty and is refused by name.
--
-- New table expected_schema_versions (db_name, expected_version,
-- minimum_version), left EMPTY: no row of AIFP's own 2.1 release could be
-- found to cite (the rows in AIMFP's later aimfp_core.sql name project 1.11,
-- a version this migration set does not know), and an invented expectation
-- would make `check` point users at the wrong version.
-- DDL rendered by `aifp-migrate diff shapes/v2.0_2026-01-04_f14f262.sql shapes/v2.1_... --as-step`.
-- Inverse: rollback/v2.1_to_v2.0_expected_versions.sql.

SELECT 'helper_functions', 'target_database', id, 'CHECK: ''orchestrator'' is no longer allowed and AIFP 2.0 classified no helper named ' || quote(name) || ' (multi_db or project cannot be told apart)' FROM helper_functions WHERE target_database = 'orchestrator' AND (CASE WHEN target_database = 'system' THEN 'no_db' WHEN target_database = 'orchestrator' AND name IN ('aifp_init', 'aifp_run', 'aifp_status', 'validate_initialization') THEN 'multi_db' WHEN target_database = 'orchestrator' AND name IN ('get_project_status', 'get_task_context', 'get_current_progress', 'update_project_state', 'batch_update_progress', 'query_project_state', 'get_files_by_flow_context') THEN 'project' WHEN target_database = 'orchestrator' THEN NULL ELSE target_database END) IS NULL;

CREATE TABLE new_directive_flow (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "from_directive" TEXT NOT NULL,
    "to_directive" TEXT NOT NULL,
    "flow_category" TEXT NOT NULL DEFAULT 'project',
    "flow_type" TEXT NOT NULL DEFAULT 'conditional',
    "condition_key" TEXT,
    "condition_value" TEXT,
    "condition_description" TEXT,
    "priority" INTEGER DEFAULT 0,
    "description" TEXT,
    CHECK (flow_category in('project','fp','user_preferences','git')),
    CHECK (flow_type in('status_branch','completion_loop','conditional','error','reference_consultation','canonical','error_handler','utility')),
    FOREIGN KEY ("from_directive") REFERENCES "directives" ("name") ON DELETE NO ACTION ON UPDATE NO ACTION,
    FOREIGN KEY ("to_directive") REFERENCES "directives" ("name") ON DELETE NO ACTION ON UPDATE NO ACTION
);
INSERT INTO new_directive_flow (id, from_directive, to_directive, flow_category, flow_type, condition_key, condition_value, condition_description, priority, description) SELECT id, from_directive, to_directive, flow_category, flow_type, condition_key, condition_value, condition_description, priority, description FROM directive_flow;
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
    CHECK (target_database in('core','project','user_preferences','user_directives','multi_db','no_db'))
);
-- Data migration: 'system' and 'orchestrator' mapped as the header says.
INSERT INTO new_helper_functions (id, name, file_path, parameters, purpose, error_handling, is_tool, is_sub_helper, return_statements, target_database) SELECT id, name, file_path, parameters, purpose, error_handling, is_tool, is_sub_helper, return_statements, CASE
        WHEN target_database = 'system' THEN 'no_db'
        WHEN target_database = 'orchestrator' AND name IN ('aifp_init', 'aifp_run', 'aifp_status', 'validate_initialization') THEN 'multi_db'
        WHEN target_database = 'orchestrator' AND name IN ('get_project_status', 'get_task_context', 'get_current_progress', 'update_project_state', 'batch_update_progress', 'query_project_state', 'get_files_by_flow_context') THEN 'project'
        WHEN target_database = 'orchestrator' THEN NULL
        ELSE target_database
    END FROM helper_functions;
DELETE FROM sqlite_sequence WHERE name = 'new_helper_functions';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_helper_functions', seq FROM sqlite_sequence WHERE name = 'helper_functions';
DROP TABLE helper_functions;
ALTER TABLE new_helper_functions RENAME TO helper_functions;
CREATE TABLE "expected_schema_versions" (
    "db_name" TEXT PRIMARY KEY,
    "expected_version" TEXT NOT NULL,
    "minimum_version" TEXT NOT NULL,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_directive_flow_category ON directive_flow(flow_category);
CREATE INDEX idx_directive_flow_from ON directive_flow(from_directive);
CREATE INDEX idx_directive_flow_type ON directive_flow(flow_type);

UPDATE schema_version SET version = '2.1', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
