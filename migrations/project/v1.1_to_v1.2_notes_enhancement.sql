-- project.db: v1.1 -> v1.2 -- notes enhancement (and flow_ids)
--
-- The plan's Phase 3: notes.source, notes.directive_name and notes.severity
-- with the indexes idx_notes_source, idx_notes_directive, idx_notes_severity.
-- Real AIFP databases have had those since 1.0, so on them the three ADD
-- COLUMNs are skipped. Real 1.2 also added tasks.flow_ids and
-- sidequests.flow_ids (2025-11-05), and its latest shape (2025-11-21) changed
-- the default of notes.source from 'user' to 'ai': this step carries all of it.
--
-- Accepts both published 1.1 shapes: 2025-10-23 (items CHECK still spells
-- 'subtask') and 2025-10-31. Produces exactly the latest published 1.2 shape
-- (2025-11-21). Rebuilds: notes (the new DEFAULT 'ai' of source needs one;
-- rows keep their own source values), tasks and sidequests (flow_ids sits
-- before created_at), items (the corrected CHECK, for 2025-10-23 databases).
--
-- Data: every row is kept; flow_ids starts NULL (no flows were linked);
-- items.reference_table 'subtask' becomes 'subtasks'. Nothing is refused.
--
-- DDL rendered by `aifp-migrate diff` from the 1.1 facts to the 1.2 facts;
-- the plan's column additions in front and the value mapping are by hand.
-- Inverse: rollback/v1.2_to_v1.1_notes_enhancement.sql.

-- The plan's notes columns. Every published 1.0 and 1.1 shape already has
-- them, token-identical to these definitions, so the tool skips these three
-- statements there; on a notes table without them they are added before the
-- rebuild below reads them.
ALTER TABLE notes ADD COLUMN source TEXT DEFAULT 'user';
ALTER TABLE notes ADD COLUMN directive_name TEXT;
ALTER TABLE notes ADD COLUMN severity TEXT DEFAULT 'info';

DROP TRIGGER delete_sidequest_items;
DROP TRIGGER delete_subtask_items;
DROP TRIGGER delete_task_items;
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
INSERT INTO new_sidequests (id, paused_task_id, paused_subtask_id, name, status, priority, description, created_at, updated_at) SELECT id, paused_task_id, paused_subtask_id, name, status, priority, description, created_at, updated_at FROM sidequests;
DELETE FROM sqlite_sequence WHERE name = 'new_sidequests';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_sidequests', seq FROM sqlite_sequence WHERE name = 'sidequests';
DROP TABLE sidequests;
ALTER TABLE new_sidequests RENAME TO sidequests;
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
INSERT INTO new_tasks (id, milestone_id, name, status, priority, description, created_at, updated_at) SELECT id, milestone_id, name, status, priority, description, created_at, updated_at FROM tasks;
DELETE FROM sqlite_sequence WHERE name = 'new_tasks';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_tasks', seq FROM sqlite_sequence WHERE name = 'tasks';
DROP TABLE tasks;
ALTER TABLE new_tasks RENAME TO tasks;
CREATE INDEX idx_items_reference ON items(reference_table,reference_id);
CREATE INDEX idx_notes_directive ON notes(directive_name);
CREATE INDEX idx_notes_severity ON notes(severity);
CREATE INDEX idx_notes_source ON notes(source);
CREATE TRIGGER delete_sidequest_items AFTER DELETE ON sidequests FOR EACH ROW BEGIN DELETE FROM items WHERE reference_table = 'sidequests' AND reference_id = OLD . id;END;
CREATE TRIGGER delete_subtask_items AFTER DELETE ON subtasks FOR EACH ROW BEGIN DELETE FROM items WHERE reference_table = 'subtasks' AND reference_id = OLD . id;END;
CREATE TRIGGER delete_task_items AFTER DELETE ON tasks FOR EACH ROW BEGIN DELETE FROM items WHERE reference_table = 'tasks' AND reference_id = OLD . id;END;

-- Update schema version
UPDATE schema_version SET version = '1.2', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
