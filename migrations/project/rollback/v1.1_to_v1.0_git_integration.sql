-- project.db: rollback v1.1 -> v1.0 -- Git integration
--
-- Hand-written inverse of ../v1.0_to_v1.1_git_integration.sql: back to the
-- 1.0 structure the chain builds (v1.0_initial_schema.sql, the 2025-10-22
-- shape), keeping every row of every 1.0 table.
--
-- Drops work_branches and merge_history and the two Git columns of project
-- (DROP COLUMN: they are not indexed, keyed, UNIQUE, in a CHECK, trigger or
-- view; project keeps its rowids, so every foreign key to it stays valid).
-- Rebuilds items with 1.0's CHECK, which spells 'subtask': the value
-- 'subtasks' is mapped back to 'subtask' so the rows fit it.
--
-- Data loss (real, and named by the tool): the Git columns' values and the
-- rows of work_branches and merge_history, which 1.0 cannot hold.
--
-- DDL rendered by `aifp-migrate diff --reverse`; the value mapping by hand.
--
-- Data this file destroys (verify checks these markers; the tool names
-- the losses and asks before it runs):
-- aifp-migrate: drops merge_history
-- aifp-migrate: drops work_branches
-- aifp-migrate: drops project.last_known_git_hash, project.last_git_sync

DROP TRIGGER delete_sidequest_items;
DROP TRIGGER delete_subtask_items;
DROP TRIGGER delete_task_items;
DROP TABLE merge_history;
DROP TABLE work_branches;
CREATE TABLE new_items (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "reference_table" TEXT NOT NULL,
    "reference_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT DEFAULT 'pending',
    "description" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (reference_table in('tasks','subtask','sidequests'))
);
INSERT INTO new_items (id, reference_table, reference_id, name, status, description, created_at, updated_at) SELECT id, CASE reference_table WHEN 'subtasks' THEN 'subtask' ELSE reference_table END AS reference_table, reference_id, name, status, description, created_at, updated_at FROM items;
DELETE FROM sqlite_sequence WHERE name = 'new_items';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_items', seq FROM sqlite_sequence WHERE name = 'items';
DROP TABLE items;
ALTER TABLE new_items RENAME TO items;
ALTER TABLE project DROP COLUMN last_known_git_hash;
ALTER TABLE project DROP COLUMN last_git_sync;
CREATE INDEX idx_items_reference ON items(reference_table,reference_id);
CREATE TRIGGER delete_sidequest_items AFTER DELETE ON sidequests FOR EACH ROW BEGIN DELETE FROM items WHERE reference_table = 'sidequests' AND reference_id = OLD . id;END;
CREATE TRIGGER delete_subtask_items AFTER DELETE ON subtasks FOR EACH ROW BEGIN DELETE FROM items WHERE reference_table = 'subtasks' AND reference_id = OLD . id;END;
CREATE TRIGGER delete_task_items AFTER DELETE ON tasks FOR EACH ROW BEGIN DELETE FROM items WHERE reference_table = 'tasks' AND reference_id = OLD . id;END;

-- Update schema version
UPDATE schema_version SET version = '1.0', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
