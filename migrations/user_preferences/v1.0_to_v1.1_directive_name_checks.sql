-- user_preferences.db: v1.0 -> v1.1 -- directive_name, CHECK lists, tracking_notes
--
-- Takes a database at the published 1.0 shape (2025-10-12, f2cad87; what
-- v1.0_initial_schema.sql builds) to exactly the LATEST published 1.1 shape
-- (2026-01-08, 11d647b), column order included. The DDL is rendered by
-- `aifp-migrate diff --as-step` in two legs: from shapes/v1.0_2025-10-12_f2cad87.sql
-- to the same schema with ai_interaction_log.directive_context replaced by
-- directive_name, then from there to shapes/v1.1_2026-01-08_11d647b.sql. The
-- guards, the UPDATE and the INSERT ... SELECT expressions are the hand-written
-- data migration.
--
-- What it does:
-- * ai_interaction_log is rebuilt: directive_context becomes directive_name
--   and interaction_type gets CHECK IN ('preference_learned', 'correction',
--   'clarification'). 1.0 defined directive_context as "the directive being
--   executed", so a value that IS a directive name (after trimming blanks:
--   only letters, digits and _ . : -) is carried into directive_name.
-- * issue_reports gets CHECKs on report_type and status, user_settings on
--   scope (rebuilds, rows and AUTOINCREMENT counters kept).
-- * tracking_notes and its three indexes are created (later 1.1 shape).
-- Value mapping (certain only): a value that equals an allowed one once case,
-- surrounding blanks, and '-' or ' ' for '_' are ignored becomes that value
-- ('Correction' -> 'correction', 'feature-request' -> 'feature_request').
--
-- What it refuses: a row whose interaction_type, report_type, status or scope
-- still is none of the allowed values (no certain mapping exists). The guard
-- SELECTs below name each row (table, column, row id, the CHECK and the value)
-- before anything is written; the run fails (exit 1) and the database stays
-- exactly as it was. Correct or delete those rows, then run again.
--
-- What it cannot carry (a loss, named by the explicit DROP COLUMN below):
-- directive_context values that are not a directive name (free text, blanks
-- only, non-text values). 1.1 has no column for them; directive_name stays
-- NULL for those rows and their text is gone. Every other value of every
-- column is kept.
--
-- Inverse: rollback/v1.1_to_v1.0_directive_name_checks.sql.
--
-- Data this file destroys (verify checks these markers; the tool names
-- the losses and asks before it runs):
-- aifp-migrate: drops ai_interaction_log.directive_context

-- Guards: rows 1.1's new CHECKs cannot hold even after the certain mapping.
SELECT 'ai_interaction_log', 'interaction_type', id, 'CHECK (interaction_type IN (''preference_learned'', ''correction'', ''clarification'')): ' || quote(interaction_type) || ' is none of these, even ignoring case, blanks and - for _' FROM ai_interaction_log WHERE replace(replace(lower(trim(interaction_type, ' ' || char(9) || char(10) || char(13))), '-', '_'), ' ', '_') NOT IN ('preference_learned', 'correction', 'clarification');
SELECT 'issue_reports', 'report_type', id, 'CHECK (report_type IN (''bug'', ''feature_request'', ''directive_issue'')): ' || quote(report_type) || ' is none of these, even ignoring case, blanks and - for _' FROM issue_reports WHERE replace(replace(lower(trim(report_type, ' ' || char(9) || char(10) || char(13))), '-', '_'), ' ', '_') NOT IN ('bug', 'feature_request', 'directive_issue');
SELECT 'issue_reports', 'status', id, 'CHECK (status IN (''draft'', ''submitted'', ''resolved'')): ' || quote(status) || ' is none of these, even ignoring case, blanks and - for _' FROM issue_reports WHERE status IS NOT NULL AND replace(replace(lower(trim(status, ' ' || char(9) || char(10) || char(13))), '-', '_'), ' ', '_') NOT IN ('draft', 'submitted', 'resolved');
SELECT 'user_settings', 'scope', id, 'CHECK (scope IN (''project'', ''global'')): ' || quote(scope) || ' is none of these, even ignoring case, blanks and - for _' FROM user_settings WHERE scope IS NOT NULL AND replace(replace(lower(trim(scope, ' ' || char(9) || char(10) || char(13))), '-', '_'), ' ', '_') NOT IN ('project', 'global');

-- directive_context -> directive_name (DDL rendered by aifp-migrate diff from the 1.0
-- shape to it with that one column replaced; the UPDATE is the data migration). The
-- DROP COLUMN is the loss: the values that are not a directive name.
DROP INDEX idx_ai_interaction_log_directive;
ALTER TABLE ai_interaction_log ADD COLUMN "directive_name" TEXT;
UPDATE ai_interaction_log SET directive_name = CASE WHEN typeof(directive_context) = 'text' AND trim(directive_context, ' ' || char(9) || char(10) || char(13)) <> '' AND trim(directive_context, ' ' || char(9) || char(10) || char(13)) NOT GLOB '*[^A-Za-z0-9_.:-]*' THEN trim(directive_context, ' ' || char(9) || char(10) || char(13)) END;
ALTER TABLE ai_interaction_log DROP COLUMN directive_context;

-- The rebuilds for 1.1's CHECKs and tracking_notes (rendered by aifp-migrate diff from
-- there to the latest 1.1 shape; the INSERT ... SELECT lists carry the value mapping).
DROP TRIGGER update_user_settings_timestamp;
CREATE TABLE new_ai_interaction_log (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "interaction_type" TEXT NOT NULL,
    "directive_name" TEXT,
    "user_feedback" TEXT NOT NULL,
    "ai_interpretation" TEXT,
    "applied_to_preferences" BOOLEAN DEFAULT 0,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (interaction_type in('preference_learned','correction','clarification'))
);
INSERT INTO new_ai_interaction_log (id, interaction_type, directive_name, user_feedback, ai_interpretation, applied_to_preferences, created_at) SELECT id, CASE WHEN replace(replace(lower(trim(interaction_type, ' ' || char(9) || char(10) || char(13))), '-', '_'), ' ', '_') IN ('preference_learned', 'correction', 'clarification') THEN replace(replace(lower(trim(interaction_type, ' ' || char(9) || char(10) || char(13))), '-', '_'), ' ', '_') ELSE interaction_type END, directive_name, user_feedback, ai_interpretation, applied_to_preferences, created_at FROM ai_interaction_log;
DELETE FROM sqlite_sequence WHERE name = 'new_ai_interaction_log';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_ai_interaction_log', seq FROM sqlite_sequence WHERE name = 'ai_interaction_log';
DROP TABLE ai_interaction_log;
ALTER TABLE new_ai_interaction_log RENAME TO ai_interaction_log;
CREATE TABLE new_issue_reports (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "report_type" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "directive_name" TEXT,
    "context_log_ids" TEXT,
    "status" TEXT DEFAULT 'draft',
    "submitted_at" DATETIME,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (report_type in('bug','feature_request','directive_issue')),
    CHECK (status in('draft','submitted','resolved'))
);
INSERT INTO new_issue_reports (id, report_type, title, description, directive_name, context_log_ids, status, submitted_at, created_at, updated_at) SELECT id, CASE WHEN replace(replace(lower(trim(report_type, ' ' || char(9) || char(10) || char(13))), '-', '_'), ' ', '_') IN ('bug', 'feature_request', 'directive_issue') THEN replace(replace(lower(trim(report_type, ' ' || char(9) || char(10) || char(13))), '-', '_'), ' ', '_') ELSE report_type END, title, description, directive_name, context_log_ids, CASE WHEN replace(replace(lower(trim(status, ' ' || char(9) || char(10) || char(13))), '-', '_'), ' ', '_') IN ('draft', 'submitted', 'resolved') THEN replace(replace(lower(trim(status, ' ' || char(9) || char(10) || char(13))), '-', '_'), ' ', '_') ELSE status END, submitted_at, created_at, updated_at FROM issue_reports;
DELETE FROM sqlite_sequence WHERE name = 'new_issue_reports';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_issue_reports', seq FROM sqlite_sequence WHERE name = 'issue_reports';
DROP TABLE issue_reports;
ALTER TABLE new_issue_reports RENAME TO issue_reports;
CREATE TABLE new_user_settings (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "setting_key" TEXT NOT NULL,
    "setting_value" TEXT NOT NULL,
    "description" TEXT,
    "scope" TEXT DEFAULT 'project',
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("setting_key"),
    CHECK (scope in('project','global'))
);
INSERT INTO new_user_settings (id, setting_key, setting_value, description, scope, created_at, updated_at) SELECT id, setting_key, setting_value, description, CASE WHEN replace(replace(lower(trim(scope, ' ' || char(9) || char(10) || char(13))), '-', '_'), ' ', '_') IN ('project', 'global') THEN replace(replace(lower(trim(scope, ' ' || char(9) || char(10) || char(13))), '-', '_'), ' ', '_') ELSE scope END, created_at, updated_at FROM user_settings;
DELETE FROM sqlite_sequence WHERE name = 'new_user_settings';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_user_settings', seq FROM sqlite_sequence WHERE name = 'user_settings';
DROP TABLE user_settings;
ALTER TABLE new_user_settings RENAME TO user_settings;
CREATE TABLE "tracking_notes" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "content" TEXT NOT NULL,
    "note_type" TEXT NOT NULL,
    "reference_type" TEXT,
    "reference_name" TEXT,
    "reference_id" INTEGER,
    "directive_name" TEXT,
    "severity" TEXT DEFAULT 'info',
    "metadata_json" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (note_type in('fp_analysis','user_interaction','validation','performance','debug')),
    CHECK (severity in('info','warning','error'))
);
CREATE INDEX idx_ai_interaction_log_directive ON ai_interaction_log(directive_name);
CREATE INDEX idx_issue_reports_status ON issue_reports(status);
CREATE INDEX idx_tracking_notes_directive ON tracking_notes(directive_name);
CREATE INDEX idx_tracking_notes_reference ON tracking_notes(reference_type,reference_name);
CREATE INDEX idx_tracking_notes_type ON tracking_notes(note_type);
CREATE TRIGGER update_user_settings_timestamp AFTER UPDATE ON user_settings FOR EACH ROW BEGIN UPDATE user_settings SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

UPDATE schema_version SET version = '1.1', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
