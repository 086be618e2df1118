-- project.db: v1.0 -> v1.7 -- 1.1, 1.2, the 1.4 reshape, 1.5, 1.6 and 1.7 in one step
--
-- The direct way for 1.0 databases (the planner takes the shortest path):
-- the same result as v1.0_to_v1.1 + v1.1_to_v1.2 + v1.2_to_v1.5 +
-- v1.5_to_v1.6 + v1.6_to_v1.7, with each table rebuilt at most once and
-- functions, the largest table, never: its 1.4 columns are added in place.
-- notes is rebuilt once (instead of three times), items and project once
-- (instead of twice or three times).
--
-- Accepts every published 1.0 shape (2025-10-12, 2025-10-20, 2025-10-22 =
-- v1.0_initial_schema.sql). Produces the chain's 1.7: the published 1.7
-- shape except the column order of functions (returns, is_reserved,
-- id_in_name after updated_at) and types (links last), exactly as the
-- step-by-step path builds it (`verify` checks both paths agree).
--
-- What it does, by version:
--   1.1: project gains last_known_git_hash, last_git_sync; work_branches and
--        merge_history with their indexes; items.reference_table 'subtask'
--        (the 1.0 CHECK's typo) becomes 'subtasks'.
--   1.2: tasks.flow_ids, sidequests.flow_ids (NULL: no flows were linked);
--        notes.source DEFAULT 'ai' (rows keep their values).
--   1.4/1.5: the reshape, as in v1.2_to_v1.5_reshape.sql: project_id dropped
--        from six tables, project.blueprint_checksum and files.checksum
--        dropped (values lost, AIFP no longer keeps them); types'
--        linked_function_id carried as types_functions rows (role NULL);
--        files.name derived from path; tasks.priority to TEXT ('medium' for
--        0, the old default; case/whitespace variants of the four words
--        mapped; anything else refused by name); the new CHECK lists mapped
--        where certain (the value, or a case/whitespace variant of a listed
--        word) and otherwise refused by name (table, column, row id, CHECK)
--        before any write; update-timestamp triggers. No UNIQUE(name) on
--        functions (1.5 dropped it again).
--   1.6: notes.send_with_directive (0, its declared default) with
--        idx_notes_directive_send; types.links (NULL).
--   1.7: notes' note_type CHECK with 'deferred', 'completed', 'obsolete'
--        (so those values, if a 1.0 database has them, are kept).
-- is_reserved/id_in_name get AIFP's declared defaults (0 and 1); types.file_id
-- and functions.returns start NULL (never recorded).
--
-- DDL rendered by `aifp-migrate diff` from the 1.0 facts to the chain's 1.7;
-- the column additions in front, guards, mappings, files.name and the
-- types_functions rows are by hand.
-- Inverse: rollback/v1.7_to_v1.0_direct.sql.
--
-- Data this file destroys (verify checks these markers; the tool names
-- the losses and asks before it runs):
-- aifp-migrate: drops completion_path.project_id
-- aifp-migrate: drops files.checksum, files.project_id
-- aifp-migrate: drops flows.project_id
-- aifp-migrate: drops infrastructure.project_id
-- aifp-migrate: drops project.blueprint_checksum
-- aifp-migrate: drops themes.project_id
-- aifp-migrate: drops types.project_id

-- The 2025-10-12 and 2025-10-20 shapes of 1.0 lack project.blueprint_checksum
-- and/or project.user_directives_status, and the plan's 1.0 lacks the notes
-- columns: add what is missing first (skipped where an identical column
-- exists) so the rebuilds below read the same columns from every 1.0 shape.
ALTER TABLE project ADD COLUMN blueprint_checksum TEXT;
ALTER TABLE project ADD COLUMN user_directives_status TEXT DEFAULT NULL CHECK (user_directives_status IN (NULL, 'in_progress', 'active', 'disabled'));
ALTER TABLE notes ADD COLUMN source TEXT DEFAULT 'user';
ALTER TABLE notes ADD COLUMN directive_name TEXT;
ALTER TABLE notes ADD COLUMN severity TEXT DEFAULT 'info';

-- Guards: each row that no certain mapping can carry into the new CHECKs
-- (or UNIQUE, or link) is refused by name before anything is written.
SELECT 'completion_path', 'status', id, 'CHECK status IN (''pending'', ''in_progress'', ''completed''): ' || quote(status) || ' is none of them and has no certain mapping' FROM completion_path WHERE NOT (status IS NULL OR status IN ('pending', 'in_progress', 'completed') OR (typeof(status) = 'text' AND lower(trim(status)) IN ('pending', 'in_progress', 'completed')));
SELECT 'interactions', 'interaction_type', id, 'CHECK interaction_type IN (''call'', ''chain'', ''borrow'', ''compose'', ''pipe''): ' || quote(interaction_type) || ' is none of them and has no certain mapping' FROM interactions WHERE NOT (interaction_type IS NULL OR interaction_type IN ('call', 'chain', 'borrow', 'compose', 'pipe') OR (typeof(interaction_type) = 'text' AND lower(trim(interaction_type)) IN ('call', 'chain', 'borrow', 'compose', 'pipe')));
SELECT 'items', 'status', id, 'CHECK status IN (''pending'', ''in_progress'', ''completed''): ' || quote(status) || ' is none of them and has no certain mapping' FROM items WHERE NOT (status IS NULL OR status IN ('pending', 'in_progress', 'completed') OR (typeof(status) = 'text' AND lower(trim(status)) IN ('pending', 'in_progress', 'completed')));
SELECT 'milestones', 'status', id, 'CHECK status IN (''pending'', ''in_progress'', ''completed'', ''blocked''): ' || quote(status) || ' is none of them and has no certain mapping' FROM milestones WHERE NOT (status IS NULL OR status IN ('pending', 'in_progress', 'completed', 'blocked') OR (typeof(status) = 'text' AND lower(trim(status)) IN ('pending', 'in_progress', 'completed', 'blocked')));
SELECT 'notes', 'note_type', id, 'CHECK note_type IN (''clarification'', ''pivot'', ''research'', ''entry_deletion'', ''warning'', ''error'', ''info'', ''auto_summary'', ''decision'', ''evolution'', ''analysis'', ''task_context'', ''external'', ''summary'', ''deferred'', ''completed'', ''obsolete''): ' || quote(note_type) || ' is none of them and has no certain mapping' FROM notes WHERE NOT (note_type IS NULL OR note_type IN ('clarification', 'pivot', 'research', 'entry_deletion', 'warning', 'error', 'info', 'auto_summary', 'decision', 'evolution', 'analysis', 'task_context', 'external', 'summary', 'deferred', 'completed', 'obsolete') OR (typeof(note_type) = 'text' AND lower(trim(note_type)) IN ('clarification', 'pivot', 'research', 'entry_deletion', 'warning', 'error', 'info', 'auto_summary', 'decision', 'evolution', 'analysis', 'task_context', 'external', 'summary', 'deferred', 'completed', 'obsolete')));
SELECT 'notes', 'severity', id, 'CHECK severity IN (''info'', ''warning'', ''error''): ' || quote(severity) || ' is none of them and has no certain mapping' FROM notes WHERE NOT (severity IS NULL OR severity IN ('info', 'warning', 'error') OR (typeof(severity) = 'text' AND lower(trim(severity)) IN ('info', 'warning', 'error')));
SELECT 'notes', 'source', id, 'CHECK source IN (''ai'', ''user'', ''directive''): ' || quote(source) || ' is none of them and has no certain mapping' FROM notes WHERE NOT (source IS NULL OR source IN ('ai', 'user', 'directive') OR (typeof(source) = 'text' AND lower(trim(source)) IN ('ai', 'user', 'directive')));
SELECT 'project', 'status', id, 'CHECK status IN (''active'', ''paused'', ''completed'', ''abandoned''): ' || quote(status) || ' is none of them and has no certain mapping' FROM project WHERE NOT (status IS NULL OR status IN ('active', 'paused', 'completed', 'abandoned') OR (typeof(status) = 'text' AND lower(trim(status)) IN ('active', 'paused', 'completed', 'abandoned')));
SELECT 'sidequests', 'priority', id, 'CHECK priority IN (''low'', ''medium'', ''high'', ''critical''): ' || quote(priority) || ' is none of them and has no certain mapping' FROM sidequests WHERE NOT (priority IS NULL OR priority IN ('low', 'medium', 'high', 'critical') OR (typeof(priority) = 'text' AND lower(trim(priority)) IN ('low', 'medium', 'high', 'critical')));
SELECT 'sidequests', 'status', id, 'CHECK status IN (''pending'', ''in_progress'', ''completed''): ' || quote(status) || ' is none of them and has no certain mapping' FROM sidequests WHERE NOT (status IS NULL OR status IN ('pending', 'in_progress', 'completed') OR (typeof(status) = 'text' AND lower(trim(status)) IN ('pending', 'in_progress', 'completed')));
SELECT 'subtasks', 'priority', id, 'CHECK priority IN (''low'', ''medium'', ''high'', ''critical''): ' || quote(priority) || ' is none of them and has no certain mapping' FROM subtasks WHERE NOT (priority IS NULL OR priority IN ('low', 'medium', 'high', 'critical') OR (typeof(priority) = 'text' AND lower(trim(priority)) IN ('low', 'medium', 'high', 'critical')));
SELECT 'subtasks', 'status', id, 'CHECK status IN (''pending'', ''in_progress'', ''completed'', ''blocked''): ' || quote(status) || ' is none of them and has no certain mapping' FROM subtasks WHERE NOT (status IS NULL OR status IN ('pending', 'in_progress', 'completed', 'blocked') OR (typeof(status) = 'text' AND lower(trim(status)) IN ('pending', 'in_progress', 'completed', 'blocked')));
SELECT 'tasks', 'status', id, 'CHECK status IN (''pending'', ''in_progress'', ''completed'', ''blocked''): ' || quote(status) || ' is none of them and has no certain mapping' FROM tasks WHERE NOT (status IS NULL OR status IN ('pending', 'in_progress', 'completed', 'blocked') OR (typeof(status) = 'text' AND lower(trim(status)) IN ('pending', 'in_progress', 'completed', 'blocked')));
SELECT 'tasks', 'priority', id, 'CHECK priority IN (''low'', ''medium'', ''high'', ''critical''): ' || quote(priority) || ' has no certain mapping (only 0, the old default, maps: to ''medium'', the new default)' FROM tasks WHERE NOT (priority IS NULL OR (typeof(priority) = 'integer' AND priority = 0) OR (typeof(priority) = 'text' AND lower(trim(priority)) IN ('low', 'medium', 'high', 'critical')));
SELECT 'types', 'linked_function_id', id, 'FOREIGN KEY linked_function_id REFERENCES functions(id): no function ' || linked_function_id || ', so no types_functions row can carry the link' FROM types t WHERE linked_function_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM functions f WHERE f.id = t.linked_function_id);

DROP TRIGGER delete_sidequest_items;
DROP TRIGGER delete_subtask_items;
DROP TRIGGER delete_task_items;
DROP TRIGGER update_project_timestamp;
CREATE TABLE new_completion_path (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "order_index" INTEGER NOT NULL,
    "status" TEXT DEFAULT 'pending',
    "description" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (status in('pending','in_progress','completed'))
);
INSERT INTO new_completion_path (id, name, order_index, status, description, created_at, updated_at) SELECT id, name, order_index, CASE WHEN status IS NULL OR status IN ('pending', 'in_progress', 'completed') THEN status WHEN typeof(status) = 'text' AND lower(trim(status)) IN ('pending', 'in_progress', 'completed') THEN lower(trim(status)) ELSE status END AS status, description, created_at, updated_at FROM completion_path;
DELETE FROM sqlite_sequence WHERE name = 'new_completion_path';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_completion_path', seq FROM sqlite_sequence WHERE name = 'completion_path';
DROP TABLE completion_path;
ALTER TABLE new_completion_path RENAME TO completion_path;
CREATE TABLE new_files (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT,
    "path" TEXT NOT NULL,
    "language" TEXT,
    "is_reserved" BOOLEAN DEFAULT 0,
    "id_in_name" BOOLEAN DEFAULT 1,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("path")
);
INSERT INTO new_files (id, path, language, created_at, updated_at, name) SELECT id, path, language, created_at, updated_at, NULLIF(substr(replace(path, '\', '/'), length(rtrim(replace(path, '\', '/'), replace(replace(path, '\', '/'), '/', ''))) + 1), '') FROM files;
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
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO new_flows (id, name, description, ai_generated, confidence_score, created_at, updated_at) SELECT id, name, description, ai_generated, confidence_score, created_at, updated_at FROM flows;
DELETE FROM sqlite_sequence WHERE name = 'new_flows';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_flows', seq FROM sqlite_sequence WHERE name = 'flows';
DROP TABLE flows;
ALTER TABLE new_flows RENAME TO flows;
ALTER TABLE functions ADD COLUMN "returns" JSON;
ALTER TABLE functions ADD COLUMN "is_reserved" BOOLEAN DEFAULT 0;
ALTER TABLE functions ADD COLUMN "id_in_name" BOOLEAN DEFAULT 1;
CREATE TABLE new_infrastructure (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "type" TEXT NOT NULL,
    "value" TEXT,
    "description" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO new_infrastructure (id, type, value, description, created_at, updated_at) SELECT id, type, value, description, created_at, updated_at FROM infrastructure;
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
    CHECK (interaction_type in('call','chain','borrow','compose','pipe')),
    FOREIGN KEY ("source_function_id") REFERENCES "functions" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
    FOREIGN KEY ("target_function_id") REFERENCES "functions" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);
INSERT INTO new_interactions (id, source_function_id, target_function_id, interaction_type, description, created_at, updated_at) SELECT id, source_function_id, target_function_id, CASE WHEN interaction_type IS NULL OR interaction_type IN ('call', 'chain', 'borrow', 'compose', 'pipe') THEN interaction_type WHEN typeof(interaction_type) = 'text' AND lower(trim(interaction_type)) IN ('call', 'chain', 'borrow', 'compose', 'pipe') THEN lower(trim(interaction_type)) ELSE interaction_type END AS interaction_type, description, created_at, updated_at FROM interactions;
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
    CHECK (reference_table in('tasks','subtasks','sidequests')),
    CHECK (status in('pending','in_progress','completed'))
);
INSERT INTO new_items (id, reference_table, reference_id, name, status, description, created_at, updated_at) SELECT id, CASE reference_table WHEN 'subtask' THEN 'subtasks' ELSE reference_table END AS reference_table, reference_id, name, CASE WHEN status IS NULL OR status IN ('pending', 'in_progress', 'completed') THEN status WHEN typeof(status) = 'text' AND lower(trim(status)) IN ('pending', 'in_progress', 'completed') THEN lower(trim(status)) ELSE status END AS status, description, created_at, updated_at FROM items;
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
    CHECK (status in('pending','in_progress','completed','blocked')),
    FOREIGN KEY ("completion_path_id") REFERENCES "completion_path" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);
INSERT INTO new_milestones (id, completion_path_id, name, status, description, created_at, updated_at) SELECT id, completion_path_id, name, CASE WHEN status IS NULL OR status IN ('pending', 'in_progress', 'completed', 'blocked') THEN status WHEN typeof(status) = 'text' AND lower(trim(status)) IN ('pending', 'in_progress', 'completed', 'blocked') THEN lower(trim(status)) ELSE status END AS status, description, created_at, updated_at FROM milestones;
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
    "send_with_directive" BOOLEAN DEFAULT 0,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (note_type in('clarification','pivot','research','entry_deletion','warning','error','info','auto_summary','decision','evolution','analysis','task_context','external','summary','deferred','completed','obsolete')),
    CHECK (severity in('info','warning','error')),
    CHECK (source in('ai','user','directive'))
);
INSERT INTO new_notes (id, content, note_type, reference_table, reference_id, source, directive_name, severity, created_at, updated_at) SELECT id, content, CASE WHEN note_type IS NULL OR note_type IN ('clarification', 'pivot', 'research', 'entry_deletion', 'warning', 'error', 'info', 'auto_summary', 'decision', 'evolution', 'analysis', 'task_context', 'external', 'summary', 'deferred', 'completed', 'obsolete') THEN note_type WHEN typeof(note_type) = 'text' AND lower(trim(note_type)) IN ('clarification', 'pivot', 'research', 'entry_deletion', 'warning', 'error', 'info', 'auto_summary', 'decision', 'evolution', 'analysis', 'task_context', 'external', 'summary', 'deferred', 'completed', 'obsolete') THEN lower(trim(note_type)) ELSE note_type END AS note_type, reference_table, reference_id, CASE WHEN source IS NULL OR source IN ('ai', 'user', 'directive') THEN source WHEN typeof(source) = 'text' AND lower(trim(source)) IN ('ai', 'user', 'directive') THEN lower(trim(source)) ELSE source END AS source, directive_name, CASE WHEN severity IS NULL OR severity IN ('info', 'warning', 'error') THEN severity WHEN typeof(severity) = 'text' AND lower(trim(severity)) IN ('info', 'warning', 'error') THEN lower(trim(severity)) ELSE severity END AS severity, created_at, updated_at FROM notes;
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
    "user_directives_status" TEXT DEFAULT NULL,
    "last_known_git_hash" TEXT,
    "last_git_sync" DATETIME,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("name"),
    CHECK (status in('active','paused','completed','abandoned')),
    CHECK (user_directives_status in(null,'pending_discovery','pending_parse','in_progress','active','disabled'))
);
INSERT INTO new_project (id, name, purpose, goals_json, status, version, user_directives_status, created_at, updated_at) SELECT id, name, purpose, goals_json, CASE WHEN status IS NULL OR status IN ('active', 'paused', 'completed', 'abandoned') THEN status WHEN typeof(status) = 'text' AND lower(trim(status)) IN ('active', 'paused', 'completed', 'abandoned') THEN lower(trim(status)) ELSE status END AS status, version, user_directives_status, created_at, updated_at FROM project;
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
    "priority" TEXT DEFAULT 'critical',
    "description" TEXT,
    "flow_ids" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (priority in('low','medium','high','critical')),
    CHECK (status in('pending','in_progress','completed')),
    FOREIGN KEY ("paused_subtask_id") REFERENCES "subtasks" ("id") ON DELETE SET NULL ON UPDATE NO ACTION,
    FOREIGN KEY ("paused_task_id") REFERENCES "tasks" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);
INSERT INTO new_sidequests (id, paused_task_id, paused_subtask_id, name, status, priority, description, created_at, updated_at) SELECT id, paused_task_id, paused_subtask_id, name, CASE WHEN status IS NULL OR status IN ('pending', 'in_progress', 'completed') THEN status WHEN typeof(status) = 'text' AND lower(trim(status)) IN ('pending', 'in_progress', 'completed') THEN lower(trim(status)) ELSE status END AS status, CASE WHEN priority IS NULL OR priority IN ('low', 'medium', 'high', 'critical') THEN priority WHEN typeof(priority) = 'text' AND lower(trim(priority)) IN ('low', 'medium', 'high', 'critical') THEN lower(trim(priority)) ELSE priority END AS priority, description, created_at, updated_at FROM sidequests;
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
    CHECK (priority in('low','medium','high','critical')),
    CHECK (status in('pending','in_progress','completed','blocked')),
    FOREIGN KEY ("parent_task_id") REFERENCES "tasks" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);
INSERT INTO new_subtasks (id, parent_task_id, name, status, priority, description, created_at, updated_at) SELECT id, parent_task_id, name, CASE WHEN status IS NULL OR status IN ('pending', 'in_progress', 'completed', 'blocked') THEN status WHEN typeof(status) = 'text' AND lower(trim(status)) IN ('pending', 'in_progress', 'completed', 'blocked') THEN lower(trim(status)) ELSE status END AS status, CASE WHEN priority IS NULL OR priority IN ('low', 'medium', 'high', 'critical') THEN priority WHEN typeof(priority) = 'text' AND lower(trim(priority)) IN ('low', 'medium', 'high', 'critical') THEN lower(trim(priority)) ELSE priority END AS priority, description, created_at, updated_at FROM subtasks;
DELETE FROM sqlite_sequence WHERE name = 'new_subtasks';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_subtasks', seq FROM sqlite_sequence WHERE name = 'subtasks';
DROP TABLE subtasks;
ALTER TABLE new_subtasks RENAME TO subtasks;
CREATE TABLE new_tasks (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "milestone_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT DEFAULT 'pending',
    "priority" TEXT DEFAULT 'medium',
    "description" TEXT,
    "flow_ids" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (priority in('low','medium','high','critical')),
    CHECK (status in('pending','in_progress','completed','blocked')),
    FOREIGN KEY ("milestone_id") REFERENCES "milestones" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);
INSERT INTO new_tasks (id, milestone_id, name, status, priority, description, created_at, updated_at) SELECT id, milestone_id, name, CASE WHEN status IS NULL OR status IN ('pending', 'in_progress', 'completed', 'blocked') THEN status WHEN typeof(status) = 'text' AND lower(trim(status)) IN ('pending', 'in_progress', 'completed', 'blocked') THEN lower(trim(status)) ELSE status END AS status, CASE WHEN priority IS NULL THEN NULL WHEN typeof(priority) = 'integer' AND priority = 0 THEN 'medium' WHEN typeof(priority) = 'text' AND lower(trim(priority)) IN ('low', 'medium', 'high', 'critical') THEN lower(trim(priority)) ELSE priority END AS priority, description, created_at, updated_at FROM tasks;
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
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("name")
);
INSERT INTO new_themes (id, name, description, ai_generated, confidence_score, created_at, updated_at) SELECT id, name, description, ai_generated, confidence_score, created_at, updated_at FROM themes;
DELETE FROM sqlite_sequence WHERE name = 'new_themes';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_themes', seq FROM sqlite_sequence WHERE name = 'themes';
DROP TABLE themes;
ALTER TABLE new_themes RENAME TO themes;
CREATE TABLE "types_functions" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "type_id" INTEGER NOT NULL,
    "function_id" INTEGER NOT NULL,
    "role" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("type_id", "function_id", "role"),
    CHECK (role in('factory','transformer','operator','pattern_matcher','accessor','validator','combinator')),
    FOREIGN KEY ("function_id") REFERENCES "functions" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
    FOREIGN KEY ("type_id") REFERENCES "types" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);
-- Carry each types.linked_function_id as one types_functions row (role unknown: NULL).
INSERT INTO types_functions (type_id, function_id) SELECT id, linked_function_id FROM types WHERE linked_function_id IS NOT NULL;
CREATE TABLE new_types (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "file_id" INTEGER,
    "definition_json" TEXT NOT NULL,
    "description" TEXT,
    "is_reserved" BOOLEAN DEFAULT 0,
    "id_in_name" BOOLEAN DEFAULT 1,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "links" TEXT,
    FOREIGN KEY ("file_id") REFERENCES "files" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);
INSERT INTO new_types (id, name, definition_json, description, created_at, updated_at) SELECT id, name, definition_json, description, created_at, updated_at FROM types;
DELETE FROM sqlite_sequence WHERE name = 'new_types';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_types', seq FROM sqlite_sequence WHERE name = 'types';
DROP TABLE types;
ALTER TABLE new_types RENAME TO types;
CREATE TABLE "merge_history" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "source_branch" TEXT NOT NULL,
    "target_branch" TEXT DEFAULT 'main',
    "merge_timestamp" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "conflicts_detected" INTEGER DEFAULT 0,
    "conflicts_auto_resolved" INTEGER DEFAULT 0,
    "conflicts_manual_resolved" INTEGER DEFAULT 0,
    "resolution_details" TEXT,
    "merged_by" TEXT,
    "merge_commit_hash" TEXT
);
CREATE TABLE "work_branches" (
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
    UNIQUE ("branch_name"),
    CHECK (status in('active','merged','abandoned'))
);
CREATE INDEX idx_completion_path_order ON completion_path(order_index);
CREATE INDEX idx_files_path ON files(path);
CREATE INDEX idx_items_reference ON items(reference_table,reference_id);
CREATE INDEX idx_merge_history_source ON merge_history(source_branch);
CREATE INDEX idx_merge_history_timestamp ON merge_history(merge_timestamp);
CREATE INDEX idx_notes_directive ON notes(directive_name);
CREATE INDEX idx_notes_directive_send ON notes(directive_name,send_with_directive)WHERE send_with_directive = 1 AND directive_name IS NOT NULL;
CREATE INDEX idx_notes_severity ON notes(severity);
CREATE INDEX idx_notes_source ON notes(source);
CREATE INDEX idx_work_branches_status ON work_branches(status);
CREATE INDEX idx_work_branches_user ON work_branches(user_name);
CREATE TRIGGER delete_sidequest_items AFTER DELETE ON sidequests FOR EACH ROW BEGIN DELETE FROM items WHERE reference_table = 'sidequests' AND reference_id = OLD . id;END;
CREATE TRIGGER delete_subtask_items AFTER DELETE ON subtasks FOR EACH ROW BEGIN DELETE FROM items WHERE reference_table = 'subtasks' AND reference_id = OLD . id;END;
CREATE TRIGGER delete_task_items AFTER DELETE ON tasks FOR EACH ROW BEGIN DELETE FROM items WHERE reference_table = 'tasks' AND reference_id = OLD . id;END;
CREATE TRIGGER update_completion_path_timestamp AFTER UPDATE ON completion_path FOR EACH ROW BEGIN UPDATE completion_path SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;
CREATE TRIGGER update_files_timestamp AFTER UPDATE ON files FOR EACH ROW BEGIN UPDATE files SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;
CREATE TRIGGER update_flows_timestamp AFTER UPDATE ON flows FOR EACH ROW BEGIN UPDATE flows SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;
CREATE TRIGGER update_functions_timestamp AFTER UPDATE ON functions FOR EACH ROW BEGIN UPDATE functions SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;
CREATE TRIGGER update_infrastructure_timestamp AFTER UPDATE ON infrastructure FOR EACH ROW BEGIN UPDATE infrastructure SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;
CREATE TRIGGER update_interactions_timestamp AFTER UPDATE ON interactions FOR EACH ROW BEGIN UPDATE interactions SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;
CREATE TRIGGER update_items_timestamp AFTER UPDATE ON items FOR EACH ROW BEGIN UPDATE items SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;
CREATE TRIGGER update_milestones_timestamp AFTER UPDATE ON milestones FOR EACH ROW BEGIN UPDATE milestones SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;
CREATE TRIGGER update_notes_timestamp AFTER UPDATE ON notes FOR EACH ROW BEGIN UPDATE notes SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;
CREATE TRIGGER update_project_timestamp AFTER UPDATE ON project FOR EACH ROW BEGIN UPDATE project SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;
CREATE TRIGGER update_sidequests_timestamp AFTER UPDATE ON sidequests FOR EACH ROW BEGIN UPDATE sidequests SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;
CREATE TRIGGER update_subtasks_timestamp AFTER UPDATE ON subtasks FOR EACH ROW BEGIN UPDATE subtasks SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;
CREATE TRIGGER update_tasks_timestamp AFTER UPDATE ON tasks FOR EACH ROW BEGIN UPDATE tasks SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;
CREATE TRIGGER update_themes_timestamp AFTER UPDATE ON themes FOR EACH ROW BEGIN UPDATE themes SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;
CREATE TRIGGER update_types_timestamp AFTER UPDATE ON types FOR EACH ROW BEGIN UPDATE types SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

-- Update schema version
UPDATE schema_version SET version = '1.7', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
