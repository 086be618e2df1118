-- project.db: v1.0 -> v1.1 -- Git integration
--
-- Adds Git tracking to the project table (last_known_git_hash,
-- last_git_sync) and two tables for multi-user / multi-AI collaboration:
-- work_branches (one row per working branch) and merge_history (audit trail
-- of FP-powered conflict resolution), with their four indexes: the plan's
-- Phase 1, which is exactly AIFP's published 1.1.
--
-- Accepts every published 1.0 shape: 2025-10-12 (no blueprint_checksum, no
-- user_directives_status), 2025-10-20 (no user_directives_status) and
-- 2025-10-22 (what v1.0_initial_schema.sql builds). Produces exactly the
-- latest published 1.1 shape (2025-10-31): project is rebuilt so the Git
-- columns sit where AIFP declares them (before created_at; project holds one
-- row), and items is rebuilt because 1.1 corrected the CHECK on
-- items.reference_table from the 'subtask' typo to 'subtasks'.
--
-- Data: every row is kept. items.reference_table = 'subtask' becomes
-- 'subtasks' (the only spelling the delete_subtask_items trigger ever
-- matched). The new columns start NULL (nothing is known about Git yet).
-- Nothing is refused: 1.0's own CHECK allows no other reference_table.
--
-- DDL rendered by `aifp-migrate diff` from the 1.0 facts to the 1.1 facts;
-- the column additions in front and the value mapping are by hand. The
-- migration tool runs this file inside its own transaction (foreign keys
-- OFF) and records it in schema_history; it contains no transaction control.
-- Inverse: rollback/v1.1_to_v1.0_git_integration.sql.

-- The 2025-10-12 shape lacks project.blueprint_checksum and
-- project.user_directives_status, the 2025-10-20 shape lacks the latter: add
-- them first (skipped where an identical column exists) so the rebuild of
-- project below reads the same columns from every 1.0 shape.
ALTER TABLE project ADD COLUMN blueprint_checksum TEXT;
ALTER TABLE project ADD COLUMN user_directives_status TEXT DEFAULT NULL CHECK (user_directives_status IN (NULL, 'in_progress', 'active', 'disabled'));

DROP TRIGGER delete_sidequest_items;
DROP TRIGGER delete_subtask_items;
DROP TRIGGER delete_task_items;
DROP TRIGGER update_project_timestamp;
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
INSERT INTO new_items (id, reference_table, reference_id, name, status, description, created_at, updated_at) SELECT id, CASE reference_table WHEN 'subtask' THEN 'subtasks' ELSE reference_table END AS reference_table, reference_id, name, status, description, created_at, updated_at FROM items;
DELETE FROM sqlite_sequence WHERE name = 'new_items';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_items', seq FROM sqlite_sequence WHERE name = 'items';
DROP TABLE items;
ALTER TABLE new_items RENAME TO items;
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
INSERT INTO new_project (id, name, purpose, goals_json, status, version, blueprint_checksum, user_directives_status, created_at, updated_at) SELECT id, name, purpose, goals_json, status, version, blueprint_checksum, user_directives_status, created_at, updated_at FROM project;
DELETE FROM sqlite_sequence WHERE name = 'new_project';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_project', seq FROM sqlite_sequence WHERE name = 'project';
DROP TABLE project;
ALTER TABLE new_project RENAME TO project;
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
    UNIQUE ("branch_name")
);
CREATE INDEX idx_items_reference ON items(reference_table,reference_id);
CREATE INDEX idx_merge_history_source ON merge_history(source_branch);
CREATE INDEX idx_merge_history_timestamp ON merge_history(merge_timestamp);
CREATE INDEX idx_work_branches_status ON work_branches(status);
CREATE INDEX idx_work_branches_user ON work_branches(user_name);
CREATE TRIGGER delete_sidequest_items AFTER DELETE ON sidequests FOR EACH ROW BEGIN DELETE FROM items WHERE reference_table = 'sidequests' AND reference_id = OLD . id;END;
CREATE TRIGGER delete_subtask_items AFTER DELETE ON subtasks FOR EACH ROW BEGIN DELETE FROM items WHERE reference_table = 'subtasks' AND reference_id = OLD . id;END;
CREATE TRIGGER delete_task_items AFTER DELETE ON tasks FOR EACH ROW BEGIN DELETE FROM items WHERE reference_table = 'tasks' AND reference_id = OLD . id;END;
CREATE TRIGGER update_project_timestamp AFTER UPDATE ON project FOR EACH ROW BEGIN UPDATE project SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

-- Update schema version
UPDATE schema_version SET version = '1.1', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
