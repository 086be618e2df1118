-- project.db: rollback v1.5 -> v1.2 -- the reshape
--
-- Hand-written inverse of ../v1.2_to_v1.5_reshape.sql. functions is not
-- rebuilt: its three 1.4 columns go by DROP COLUMN. types gets UNIQUE(name)
-- back (1.2 had it): a type name used twice is refused by name.
--
-- Back to the 1.2 structure (the latest 1.2 shape, 2025-11-21), keeping every
-- row of every 1.2 table:
--   * project_id comes back on completion_path, files, flows,
--     infrastructure, themes and types as the id of the project row (a
--     project.db holds one project); with rows there and no project row the
--     rollback is refused by name (NOT NULL, and a foreign key to project).
--   * types.linked_function_id comes back from types_functions (the lowest
--     function_id linked to the type; NULL when none); then types_functions
--     is dropped.
--   * tasks.priority becomes INTEGER again; 'medium' (what the forward step
--     made of 0) goes back to 0, other text values are kept as they are.
--   * CHECK lists, update-timestamp triggers and idx_completion_path_order
--     go; idx_completion_path_project_id comes back.
-- Data loss (real, named by the tool): types_functions rows beyond the first
-- link of each type and their roles; files.name, is_reserved and id_in_name
-- of files, functions and types; types.file_id; functions.returns. The
-- dropped files.checksum and project.blueprint_checksum come back NULL: their
-- values were lost going up.
--
-- DDL rendered by `aifp-migrate diff --reverse`; guards, project_id,
-- linked_function_id and the priority mapping by hand.
--
-- Data this file destroys (verify checks these markers; the tool names
-- the losses and asks before it runs):
-- aifp-migrate: drops files.name, files.is_reserved, files.id_in_name
-- aifp-migrate: drops functions.returns, functions.is_reserved, functions.id_in_name
-- aifp-migrate: drops types.file_id, types.is_reserved, types.id_in_name
-- aifp-migrate: drops types_functions.role

-- Guards: rows this rollback cannot carry are refused by name before any write.
SELECT 'completion_path', 'project_id', id, 'NOT NULL project_id REFERENCES project(id): there is no project row to point at' FROM completion_path WHERE NOT EXISTS (SELECT 1 FROM project);
SELECT 'files', 'project_id', id, 'NOT NULL project_id REFERENCES project(id): there is no project row to point at' FROM files WHERE NOT EXISTS (SELECT 1 FROM project);
SELECT 'flows', 'project_id', id, 'NOT NULL project_id REFERENCES project(id): there is no project row to point at' FROM flows WHERE NOT EXISTS (SELECT 1 FROM project);
SELECT 'infrastructure', 'project_id', id, 'NOT NULL project_id REFERENCES project(id): there is no project row to point at' FROM infrastructure WHERE NOT EXISTS (SELECT 1 FROM project);
SELECT 'themes', 'project_id', id, 'NOT NULL project_id REFERENCES project(id): there is no project row to point at' FROM themes WHERE NOT EXISTS (SELECT 1 FROM project);
SELECT 'types', 'project_id', id, 'NOT NULL project_id REFERENCES project(id): there is no project row to point at' FROM types WHERE NOT EXISTS (SELECT 1 FROM project);
SELECT 'types', 'name', id, 'UNIQUE(name): ' || quote(name) || ' is also the name of type ' || (SELECT min(u.id) FROM types u WHERE u.name = t.name) FROM types t WHERE EXISTS (SELECT 1 FROM types u WHERE u.name = t.name AND u.id < t.id);

DROP TRIGGER delete_sidequest_items;
DROP TRIGGER delete_subtask_items;
DROP TRIGGER delete_task_items;
DROP TRIGGER update_completion_path_timestamp;
DROP TRIGGER update_files_timestamp;
DROP TRIGGER update_flows_timestamp;
DROP TRIGGER update_functions_timestamp;
DROP TRIGGER update_infrastructure_timestamp;
DROP TRIGGER update_interactions_timestamp;
DROP TRIGGER update_items_timestamp;
DROP TRIGGER update_milestones_timestamp;
DROP TRIGGER update_notes_timestamp;
DROP TRIGGER update_project_timestamp;
DROP TRIGGER update_sidequests_timestamp;
DROP TRIGGER update_subtasks_timestamp;
DROP TRIGGER update_tasks_timestamp;
DROP TRIGGER update_themes_timestamp;
DROP TRIGGER update_types_timestamp;
CREATE TABLE new_completion_path (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "order_index" INTEGER NOT NULL,
    "status" TEXT DEFAULT 'pending',
    "description" TEXT,
    "project_id" INTEGER NOT NULL,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY ("project_id") REFERENCES "project" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION
);
INSERT INTO new_completion_path (id, name, order_index, status, description, created_at, updated_at, project_id) SELECT id, name, order_index, status, description, created_at, updated_at, (SELECT min(id) FROM project) FROM completion_path;
DELETE FROM sqlite_sequence WHERE name = 'new_completion_path';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_completion_path', seq FROM sqlite_sequence WHERE name = 'completion_path';
DROP TABLE completion_path;
ALTER TABLE new_completion_path RENAME TO completion_path;
CREATE TABLE new_files (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "path" TEXT NOT NULL,
    "language" TEXT,
    "checksum" TEXT,
    "project_id" INTEGER NOT NULL,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("path"),
    FOREIGN KEY ("project_id") REFERENCES "project" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION
);
INSERT INTO new_files (id, path, language, created_at, updated_at, project_id) SELECT id, path, language, created_at, updated_at, (SELECT min(id) FROM project) FROM files;
DELETE FROM sqlite_sequence WHERE name = 'new_files';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_files', seq FROM sqlite_sequence WHERE name = 'files';
DROP TABLE files;
ALTER TABLE new_files RENAME TO files;
CREATE TABLE new_flows (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "ai_generated" BOOLEAN DEFAULT 1,
    "confidence_score" REAL DEFAULT 0.0,
    "project_id" INTEGER NOT NULL,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY ("project_id") REFERENCES "project" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION
);
INSERT INTO new_flows (id, name, description, ai_generated, confidence_score, created_at, updated_at, project_id) SELECT id, name, description, ai_generated, confidence_score, created_at, updated_at, (SELECT min(id) FROM project) FROM flows;
DELETE FROM sqlite_sequence WHERE name = 'new_flows';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_flows', seq FROM sqlite_sequence WHERE name = 'flows';
DROP TABLE flows;
ALTER TABLE new_flows RENAME TO flows;
ALTER TABLE functions DROP COLUMN returns;
ALTER TABLE functions DROP COLUMN is_reserved;
ALTER TABLE functions DROP COLUMN id_in_name;
CREATE TABLE new_infrastructure (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "type" TEXT NOT NULL,
    "value" TEXT,
    "description" TEXT,
    "project_id" INTEGER NOT NULL,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY ("project_id") REFERENCES "project" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION
);
INSERT INTO new_infrastructure (id, type, value, description, created_at, updated_at, project_id) SELECT id, type, value, description, created_at, updated_at, (SELECT min(id) FROM project) FROM infrastructure;
DELETE FROM sqlite_sequence WHERE name = 'new_infrastructure';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_infrastructure', seq FROM sqlite_sequence WHERE name = 'infrastructure';
DROP TABLE infrastructure;
ALTER TABLE new_infrastructure RENAME TO infrastructure;
CREATE TABLE new_interactions (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "source_function_id" INTEGER NOT NULL,
    "target_function_id" INTEGER NOT NULL,
    "interaction_type" TEXT NOT NULL,
    "description" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY ("source_function_id") REFERENCES "functions" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
    FOREIGN KEY ("target_function_id") REFERENCES "functions" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);
INSERT INTO new_interactions (id, source_function_id, target_function_id, interaction_type, description, created_at, updated_at) SELECT id, source_function_id, target_function_id, interaction_type, description, created_at, updated_at FROM interactions;
DELETE FROM sqlite_sequence WHERE name = 'new_interactions';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_interactions', seq FROM sqlite_sequence WHERE name = 'interactions';
DROP TABLE interactions;
ALTER TABLE new_interactions RENAME TO interactions;
CREATE TABLE new_items (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "reference_table" TEXT NOT NULL,
    "reference_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT DEFAULT 'pending',
    "description" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (reference_table in('tasks','subtasks','sidequests'))
);
INSERT INTO new_items (id, reference_table, reference_id, name, status, description, created_at, updated_at) SELECT id, reference_table, reference_id, name, status, description, created_at, updated_at FROM items;
DELETE FROM sqlite_sequence WHERE name = 'new_items';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_items', seq FROM sqlite_sequence WHERE name = 'items';
DROP TABLE items;
ALTER TABLE new_items RENAME TO items;
CREATE TABLE new_milestones (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "completion_path_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT DEFAULT 'pending',
    "description" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY ("completion_path_id") REFERENCES "completion_path" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);
INSERT INTO new_milestones (id, completion_path_id, name, status, description, created_at, updated_at) SELECT id, completion_path_id, name, status, description, created_at, updated_at FROM milestones;
DELETE FROM sqlite_sequence WHERE name = 'new_milestones';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_milestones', seq FROM sqlite_sequence WHERE name = 'milestones';
DROP TABLE milestones;
ALTER TABLE new_milestones RENAME TO milestones;
CREATE TABLE new_notes (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "content" TEXT NOT NULL,
    "note_type" TEXT NOT NULL,
    "reference_table" TEXT,
    "reference_id" INTEGER,
    "source" TEXT DEFAULT 'ai',
    "directive_name" TEXT,
    "severity" TEXT DEFAULT 'info',
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO new_notes (id, content, note_type, reference_table, reference_id, source, directive_name, severity, created_at, updated_at) SELECT id, content, note_type, reference_table, reference_id, source, directive_name, severity, created_at, updated_at FROM notes;
DELETE FROM sqlite_sequence WHERE name = 'new_notes';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_notes', seq FROM sqlite_sequence WHERE name = 'notes';
DROP TABLE notes;
ALTER TABLE new_notes RENAME TO notes;
CREATE TABLE new_project (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "goals_json" TEXT NOT NULL,
    "status" TEXT DEFAULT 'active',
    "version" INTEGER DEFAULT 1,
    "blueprint_checksum" TEXT,
    "user_directives_status" TEXT DEFAULT NULL,
    "last_known_git_hash" TEXT,
    "last_git_sync" DATETIME,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("name"),
    CHECK (user_directives_status in(null,'in_progress','active','disabled'))
);
INSERT INTO new_project (id, name, purpose, goals_json, status, version, user_directives_status, last_known_git_hash, last_git_sync, created_at, updated_at) SELECT id, name, purpose, goals_json, status, version, user_directives_status, last_known_git_hash, last_git_sync, created_at, updated_at FROM project;
DELETE FROM sqlite_sequence WHERE name = 'new_project';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_project', seq FROM sqlite_sequence WHERE name = 'project';
DROP TABLE project;
ALTER TABLE new_project RENAME TO project;
CREATE TABLE new_sidequests (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "paused_task_id" INTEGER NOT NULL,
    "paused_subtask_id" INTEGER,
    "name" TEXT NOT NULL,
    "status" TEXT DEFAULT 'pending',
    "priority" TEXT DEFAULT 'low',
    "description" TEXT,
    "flow_ids" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY ("paused_subtask_id") REFERENCES "subtasks" ("id") ON DELETE SET NULL ON UPDATE NO ACTION,
    FOREIGN KEY ("paused_task_id") REFERENCES "tasks" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);
INSERT INTO new_sidequests (id, paused_task_id, paused_subtask_id, name, status, priority, description, flow_ids, created_at, updated_at) SELECT id, paused_task_id, paused_subtask_id, name, status, priority, description, flow_ids, created_at, updated_at FROM sidequests;
DELETE FROM sqlite_sequence WHERE name = 'new_sidequests';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_sidequests', seq FROM sqlite_sequence WHERE name = 'sidequests';
DROP TABLE sidequests;
ALTER TABLE new_sidequests RENAME TO sidequests;
CREATE TABLE new_subtasks (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "parent_task_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT DEFAULT 'pending',
    "priority" TEXT DEFAULT 'high',
    "description" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY ("parent_task_id") REFERENCES "tasks" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);
INSERT INTO new_subtasks (id, parent_task_id, name, status, priority, description, created_at, updated_at) SELECT id, parent_task_id, name, status, priority, description, created_at, updated_at FROM subtasks;
DELETE FROM sqlite_sequence WHERE name = 'new_subtasks';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_subtasks', seq FROM sqlite_sequence WHERE name = 'subtasks';
DROP TABLE subtasks;
ALTER TABLE new_subtasks RENAME TO subtasks;
CREATE TABLE new_tasks (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "milestone_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT DEFAULT 'pending',
    "priority" INTEGER DEFAULT 0,
    "description" TEXT,
    "flow_ids" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY ("milestone_id") REFERENCES "milestones" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);
INSERT INTO new_tasks (id, milestone_id, name, status, priority, description, flow_ids, created_at, updated_at) SELECT id, milestone_id, name, status, CASE WHEN priority = 'medium' THEN 0 ELSE priority END AS priority, description, flow_ids, created_at, updated_at FROM tasks;
DELETE FROM sqlite_sequence WHERE name = 'new_tasks';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_tasks', seq FROM sqlite_sequence WHERE name = 'tasks';
DROP TABLE tasks;
ALTER TABLE new_tasks RENAME TO tasks;
CREATE TABLE new_themes (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "ai_generated" BOOLEAN DEFAULT 1,
    "confidence_score" REAL DEFAULT 0.0,
    "project_id" INTEGER NOT NULL,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("name"),
    FOREIGN KEY ("project_id") REFERENCES "project" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION
);
INSERT INTO new_themes (id, name, description, ai_generated, confidence_score, created_at, updated_at, project_id) SELECT id, name, description, ai_generated, confidence_score, created_at, updated_at, (SELECT min(id) FROM project) FROM themes;
DELETE FROM sqlite_sequence WHERE name = 'new_themes';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_themes', seq FROM sqlite_sequence WHERE name = 'themes';
DROP TABLE themes;
ALTER TABLE new_themes RENAME TO themes;
CREATE TABLE new_types (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "definition_json" TEXT NOT NULL,
    "description" TEXT,
    "linked_function_id" INTEGER,
    "project_id" INTEGER NOT NULL,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("name"),
    FOREIGN KEY ("linked_function_id") REFERENCES "functions" ("id") ON DELETE SET NULL ON UPDATE NO ACTION,
    FOREIGN KEY ("project_id") REFERENCES "project" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION
);
INSERT INTO new_types (id, name, definition_json, description, created_at, updated_at, project_id, linked_function_id) SELECT id, name, definition_json, description, created_at, updated_at, (SELECT min(id) FROM project), (SELECT min(l.function_id) FROM types_functions l WHERE l.type_id = types.id) FROM types;
DELETE FROM sqlite_sequence WHERE name = 'new_types';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_types', seq FROM sqlite_sequence WHERE name = 'types';
DROP TABLE types;
ALTER TABLE new_types RENAME TO types;
DROP TABLE types_functions;
CREATE TABLE new_work_branches (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "branch_name" TEXT NOT NULL,
    "user_name" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "status" TEXT DEFAULT 'active',
    "created_from" TEXT DEFAULT 'main',
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "merged_at" DATETIME,
    "merge_conflicts_count" INTEGER DEFAULT 0,
    "merge_resolution_strategy" TEXT,
    "metadata_json" TEXT,
    UNIQUE ("branch_name")
);
INSERT INTO new_work_branches (id, branch_name, user_name, purpose, status, created_from, created_at, merged_at, merge_conflicts_count, merge_resolution_strategy, metadata_json) SELECT id, branch_name, user_name, purpose, status, created_from, created_at, merged_at, merge_conflicts_count, merge_resolution_strategy, metadata_json FROM work_branches;
DELETE FROM sqlite_sequence WHERE name = 'new_work_branches';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_work_branches', seq FROM sqlite_sequence WHERE name = 'work_branches';
DROP TABLE work_branches;
ALTER TABLE new_work_branches RENAME TO work_branches;
CREATE INDEX idx_completion_path_project_id ON completion_path(project_id);
CREATE INDEX idx_files_path ON files(path);
CREATE INDEX idx_items_reference ON items(reference_table,reference_id);
CREATE INDEX idx_notes_directive ON notes(directive_name);
CREATE INDEX idx_notes_severity ON notes(severity);
CREATE INDEX idx_notes_source ON notes(source);
CREATE INDEX idx_work_branches_status ON work_branches(status);
CREATE INDEX idx_work_branches_user ON work_branches(user_name);
CREATE TRIGGER delete_sidequest_items AFTER DELETE ON sidequests FOR EACH ROW BEGIN DELETE FROM items WHERE reference_table = 'sidequests' AND reference_id = OLD . id;END;
CREATE TRIGGER delete_subtask_items AFTER DELETE ON subtasks FOR EACH ROW BEGIN DELETE FROM items WHERE reference_table = 'subtasks' AND reference_id = OLD . id;END;
CREATE TRIGGER delete_task_items AFTER DELETE ON tasks FOR EACH ROW BEGIN DELETE FROM items WHERE reference_table = 'tasks' AND reference_id = OLD . id;END;
CREATE TRIGGER update_project_timestamp AFTER UPDATE ON project FOR EACH ROW BEGIN UPDATE project SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

-- Update schema version
UPDATE schema_version SET version = '1.2', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
