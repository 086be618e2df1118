-- aifp_core.db: v1.9 -> v2.0 -- flow categories, wider flow types, helper target rename
--
-- Brings the published 1.9 shape (2025-12-15, 739bee5) to the LATEST published
-- 2.0 shape (2026-01-28, faf8ba1); the earlier 2.0 shapes (2026-01-04 f14f262,
-- 2026-01-10 714db76) are published alternates of 2.0, carried by v2.0_to_v2.1.
--   * directive_flow gains flow_category (NOT NULL DEFAULT 'project', CHECK IN
--     ('project','fp','user_preferences','git')) between to_directive and
--     flow_type, and flow_type's CHECK widens to add reference_consultation,
--     canonical, error_handler, utility (a rebuild; the table is small).
--   * helper_functions.target_database's CHECK changes, with the values mapped.
--
-- directive_flow.flow_category is DERIVED from the types of the directives a
-- flow joins, by AIFP's own rule (its 2.0 "flow_category" plan: "Flows
-- involving git directives get 'git', all others get 'project'" in
-- directive_flow_project.json; every flow of directive_flow_user_preferences.json
-- is 'user_preferences'; fp flows live in directive_flow_fp.json). A '*'
-- from_directive (any directive) counts only its to_directive:
--     touches a git directive                       -> 'git'
--     touches a user_preference directive            -> 'user_preferences'
--     only project / user_system directives          -> 'project'
-- Refused by name (the category is not certain): a flow touching an fp
-- directive (at 1.9 it could be an fp consultation or a project flow), one
-- touching both git and user_preference directives, and one whose endpoint
-- names no directive. The column DEFAULT is never used as a fill.
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
-- DDL rendered by `aifp-migrate diff shapes/v1.9_... shapes/v2.0_2026-01-28_faf8ba1.sql --as-step`.
-- Inverse: rollback/v2.0_to_v1.9_flow_category.sql.

SELECT 'directive_flow', 'flow_category', id, 'NOT NULL: no flow category can be derived for ' || quote(from_directive) || ' -> ' || quote(to_directive) || ' (an endpoint is no directive, touches an fp directive, or touches both git and user_preference directives)' FROM directive_flow WHERE (CASE
        WHEN (SELECT type FROM directives WHERE name = directive_flow.to_directive) IS NULL THEN NULL
        WHEN from_directive <> '*' AND (SELECT type FROM directives WHERE name = directive_flow.from_directive) IS NULL THEN NULL
        WHEN 'fp' IN ((SELECT type FROM directives WHERE name = directive_flow.from_directive), (SELECT type FROM directives WHERE name = directive_flow.to_directive)) THEN NULL
        WHEN 'git' IN ((SELECT type FROM directives WHERE name = directive_flow.from_directive), (SELECT type FROM directives WHERE name = directive_flow.to_directive)) AND 'user_preference' IN ((SELECT type FROM directives WHERE name = directive_flow.from_directive), (SELECT type FROM directives WHERE name = directive_flow.to_directive)) THEN NULL
        WHEN 'git' IN ((SELECT type FROM directives WHERE name = directive_flow.from_directive), (SELECT type FROM directives WHERE name = directive_flow.to_directive)) THEN 'git'
        WHEN 'user_preference' IN ((SELECT type FROM directives WHERE name = directive_flow.from_directive), (SELECT type FROM directives WHERE name = directive_flow.to_directive)) THEN 'user_preferences'
        ELSE 'project'
    END) IS NULL;
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
-- Data migration: flow_category derived as the header says.
INSERT INTO new_directive_flow (id, from_directive, to_directive, flow_category, flow_type, condition_key, condition_value, condition_description, priority, description) SELECT id, from_directive, to_directive, CASE
        WHEN (SELECT type FROM directives WHERE name = directive_flow.to_directive) IS NULL THEN NULL
        WHEN from_directive <> '*' AND (SELECT type FROM directives WHERE name = directive_flow.from_directive) IS NULL THEN NULL
        WHEN 'fp' IN ((SELECT type FROM directives WHERE name = directive_flow.from_directive), (SELECT type FROM directives WHERE name = directive_flow.to_directive)) THEN NULL
        WHEN 'git' IN ((SELECT type FROM directives WHERE name = directive_flow.from_directive), (SELECT type FROM directives WHERE name = directive_flow.to_directive)) AND 'user_preference' IN ((SELECT type FROM directives WHERE name = directive_flow.from_directive), (SELECT type FROM directives WHERE name = directive_flow.to_directive)) THEN NULL
        WHEN 'git' IN ((SELECT type FROM directives WHERE name = directive_flow.from_directive), (SELECT type FROM directives WHERE name = directive_flow.to_directive)) THEN 'git'
        WHEN 'user_preference' IN ((SELECT type FROM directives WHERE name = directive_flow.from_directive), (SELECT type FROM directives WHERE name = directive_flow.to_directive)) THEN 'user_preferences'
        ELSE 'project'
    END, flow_type, condition_key, condition_value, condition_description, priority, description FROM directive_flow;
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
CREATE INDEX idx_directive_flow_category ON directive_flow(flow_category);
CREATE INDEX idx_directive_flow_from ON directive_flow(from_directive);
CREATE INDEX idx_directive_flow_type ON directive_flow(flow_type);

UPDATE schema_version SET version = '2.0', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
