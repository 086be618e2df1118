-- user_preferences.db -- schema version 1.2 (initial schema)
--
-- The whole latest published shape (2026-02-06, commit 969550c), for a
-- database that does not exist yet: the tool builds a new database from this
-- file directly instead of from v1.0_initial_schema.sql plus every step (faster;
-- bench/new_user_db_bench.py). `aifp-migrate verify` checks that both ways build
-- the same structure.
--
-- Rendered from tests/facts/history/user_preferences/04_2026-02-06_969550c_v1.2.json by
-- `python -m tests.lineage_users`: do not edit by hand. No transaction control:
-- the tool runs it inside its own transaction.

CREATE TABLE "ai_interaction_log" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "interaction_type" TEXT NOT NULL,
    "directive_name" TEXT,
    "user_feedback" TEXT NOT NULL,
    "ai_interpretation" TEXT,
    "applied_to_preferences" BOOLEAN DEFAULT 0,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (interaction_type in('preference_learned','correction','clarification'))
);

CREATE TABLE "custom_return_statements" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "helper_name" TEXT NOT NULL,
    "statement" TEXT NOT NULL,
    "active" BOOLEAN DEFAULT 1,
    "description" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("helper_name", "statement")
);

CREATE TABLE "directive_preferences" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "directive_name" TEXT NOT NULL,
    "preference_key" TEXT NOT NULL,
    "preference_value" TEXT NOT NULL,
    "active" BOOLEAN DEFAULT 1,
    "description" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("directive_name", "preference_key")
);

CREATE TABLE "fp_flow_tracking" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "function_name" TEXT NOT NULL,
    "file_path" TEXT NOT NULL,
    "fp_directives_applied" TEXT NOT NULL,
    "compliance_score" REAL DEFAULT 1.0,
    "issues_json" TEXT,
    "user_overrides" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE "issue_reports" (
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

CREATE TABLE "schema_version" (
    "id" INTEGER PRIMARY KEY,
    "version" TEXT NOT NULL,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (id = 1)
);

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

CREATE TABLE "tracking_settings" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "feature_name" TEXT NOT NULL,
    "enabled" BOOLEAN DEFAULT 0,
    "description" TEXT,
    "estimated_token_overhead" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("feature_name")
);

CREATE TABLE "user_settings" (
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

CREATE INDEX idx_ai_interaction_log_directive ON ai_interaction_log(directive_name);

CREATE INDEX idx_custom_return_statements_active ON custom_return_statements(active);

CREATE INDEX idx_custom_return_statements_helper ON custom_return_statements(helper_name);

CREATE INDEX idx_directive_preferences_active ON directive_preferences(active);

CREATE INDEX idx_directive_preferences_directive ON directive_preferences(directive_name);

CREATE INDEX idx_fp_flow_tracking_file ON fp_flow_tracking(file_path);

CREATE INDEX idx_issue_reports_status ON issue_reports(status);

CREATE INDEX idx_tracking_notes_directive ON tracking_notes(directive_name);

CREATE INDEX idx_tracking_notes_reference ON tracking_notes(reference_type,reference_name);

CREATE INDEX idx_tracking_notes_type ON tracking_notes(note_type);

CREATE TRIGGER update_custom_return_statements_timestamp AFTER UPDATE ON custom_return_statements FOR EACH ROW BEGIN UPDATE custom_return_statements SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

CREATE TRIGGER update_directive_preferences_timestamp AFTER UPDATE ON directive_preferences FOR EACH ROW BEGIN UPDATE directive_preferences SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

CREATE TRIGGER update_fp_flow_tracking_timestamp AFTER UPDATE ON fp_flow_tracking FOR EACH ROW BEGIN UPDATE fp_flow_tracking SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

CREATE TRIGGER update_tracking_settings_timestamp AFTER UPDATE ON tracking_settings FOR EACH ROW BEGIN UPDATE tracking_settings SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

CREATE TRIGGER update_user_settings_timestamp AFTER UPDATE ON user_settings FOR EACH ROW BEGIN UPDATE user_settings SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

INSERT INTO schema_version (id, version) VALUES (1, '1.2');
