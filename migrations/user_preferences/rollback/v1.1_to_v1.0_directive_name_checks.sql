-- user_preferences.db: v1.1 -> v1.0 -- undo directive_name, CHECK lists, tracking_notes
--
-- Takes a database at the latest 1.1 shape (what the chain replays at 1.1)
-- back to the 1.0 structure v1.0_initial_schema.sql builds. DDL rendered by
-- `aifp-migrate diff ... --as-step --reverse` between the same shape files as
-- the forward step; the ai_interaction_log copy is hand-edited.
--
-- * ai_interaction_log: directive_name goes back into directive_context (the
--   column 1.0 used for the directive being executed), every value kept.
-- * issue_reports and user_settings lose their CHECKs (rows kept as they are;
--   values mapped on the way up stay mapped, and 1.0 accepts them).
-- * tracking_notes is dropped: 1.0 has no place for its rows (a real loss).
--
-- Data this file destroys (verify checks these markers; the tool names
-- the losses and asks before it runs):
-- aifp-migrate: drops tracking_notes

DROP TRIGGER update_user_settings_timestamp;
DROP TABLE tracking_notes;
CREATE TABLE new_ai_interaction_log (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "interaction_type" TEXT NOT NULL,
    "directive_context" TEXT,
    "user_feedback" TEXT NOT NULL,
    "ai_interpretation" TEXT,
    "applied_to_preferences" BOOLEAN DEFAULT 0,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO new_ai_interaction_log (id, interaction_type, directive_context, user_feedback, ai_interpretation, applied_to_preferences, created_at) SELECT id, interaction_type, directive_name, user_feedback, ai_interpretation, applied_to_preferences, created_at FROM ai_interaction_log;
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
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO new_issue_reports (id, report_type, title, description, directive_name, context_log_ids, status, submitted_at, created_at, updated_at) SELECT id, report_type, title, description, directive_name, context_log_ids, status, submitted_at, created_at, updated_at FROM issue_reports;
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
    UNIQUE ("setting_key")
);
INSERT INTO new_user_settings (id, setting_key, setting_value, description, scope, created_at, updated_at) SELECT id, setting_key, setting_value, description, scope, created_at, updated_at FROM user_settings;
DELETE FROM sqlite_sequence WHERE name = 'new_user_settings';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_user_settings', seq FROM sqlite_sequence WHERE name = 'user_settings';
DROP TABLE user_settings;
ALTER TABLE new_user_settings RENAME TO user_settings;
CREATE INDEX idx_ai_interaction_log_directive ON ai_interaction_log(directive_context);
CREATE INDEX idx_issue_reports_status ON issue_reports(status);
CREATE TRIGGER update_user_settings_timestamp AFTER UPDATE ON user_settings FOR EACH ROW BEGIN UPDATE user_settings SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

UPDATE schema_version SET version = '1.0', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
