-- user_preferences.db at 1.1 as AIFP published it on 2025-11-24
-- (commit 3f6b85c, src/aifp/database/schemas/user_preferences.sql).
-- Rendered from tests/facts/history/user_preferences/02_2025-11-24_3f6b85c_v1.1.json by
-- scripts/render_shapes.py: do not edit. aifp-migrate never runs this
-- file on a database; it replays it in memory to recognise a database
-- at this shape.

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

CREATE INDEX idx_directive_preferences_active ON directive_preferences(active);

CREATE INDEX idx_directive_preferences_directive ON directive_preferences(directive_name);

CREATE INDEX idx_fp_flow_tracking_file ON fp_flow_tracking(file_path);

CREATE INDEX idx_issue_reports_status ON issue_reports(status);

CREATE TRIGGER update_directive_preferences_timestamp AFTER UPDATE ON directive_preferences FOR EACH ROW BEGIN UPDATE directive_preferences SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

CREATE TRIGGER update_fp_flow_tracking_timestamp AFTER UPDATE ON fp_flow_tracking FOR EACH ROW BEGIN UPDATE fp_flow_tracking SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

CREATE TRIGGER update_tracking_settings_timestamp AFTER UPDATE ON tracking_settings FOR EACH ROW BEGIN UPDATE tracking_settings SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

CREATE TRIGGER update_user_settings_timestamp AFTER UPDATE ON user_settings FOR EACH ROW BEGIN UPDATE user_settings SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;
