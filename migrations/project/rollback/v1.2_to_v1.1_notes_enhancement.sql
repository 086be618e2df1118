-- project.db: rollback v1.2 -> v1.1 -- notes enhancement (and flow_ids)
--
-- Hand-written inverse of ../v1.1_to_v1.2_notes_enhancement.sql: back to the
-- latest 1.1 shape (2025-10-31). notes is rebuilt with source DEFAULT 'user'
-- again (rows keep their own values); tasks.flow_ids and sidequests.flow_ids
-- are dropped (DROP COLUMN). The notes columns source, directive_name and
-- severity and their three indexes stay: real 1.0 and 1.1 databases have
-- them, so dropping them would leave a database unlike any real 1.1.
--
-- Data loss (real, named by the tool): the flow_ids values.
--
-- DDL rendered by `aifp-migrate diff --reverse`.
--
-- Data this file destroys (verify checks these markers; the tool names
-- the losses and asks before it runs):
-- aifp-migrate: drops sidequests.flow_ids
-- aifp-migrate: drops tasks.flow_ids

CREATE TABLE new_notes (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "content" TEXT NOT NULL,
    "note_type" TEXT NOT NULL,
    "reference_table" TEXT,
    "reference_id" INTEGER,
    "source" TEXT DEFAULT 'user',
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
ALTER TABLE sidequests DROP COLUMN flow_ids;
ALTER TABLE tasks DROP COLUMN flow_ids;
CREATE INDEX idx_notes_directive ON notes(directive_name);
CREATE INDEX idx_notes_severity ON notes(severity);
CREATE INDEX idx_notes_source ON notes(source);

-- Update schema version
UPDATE schema_version SET version = '1.1', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
