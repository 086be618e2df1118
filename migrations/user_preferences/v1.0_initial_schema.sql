-- user_preferences.db -- schema version 1.0 (initial schema)
--
-- Per-project customization of AIFP's behaviour: settings, per-directive
-- preferences, and opt-in tracking (all tracking features start disabled).
--
-- This file creates the whole v1.0 schema in an empty database. It must match
-- shared/aifp-schemas/v1.0/user_preferences.json exactly
-- (tests/test_shipped_schemas.py checks it), so change it only together with
-- those facts.
--
-- The migration tool runs it inside its own transaction and records it in its
-- schema_history table; this file therefore contains no transaction control.

-- ---------------------------------------------------------------------------
-- Schema version tracking (single row)
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS schema_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),      -- only one row allowed
    version TEXT NOT NULL,                      -- e.g. '1.0', '1.1', '2.0'
    updated_at DATETIME DEFAULT CURRENT_TIMESTAMP
);

-- ---------------------------------------------------------------------------
-- Project-wide user settings
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS user_settings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    setting_key TEXT NOT NULL UNIQUE,
    setting_value TEXT NOT NULL,                -- JSON or plain text
    description TEXT,
    scope TEXT DEFAULT 'project',
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME DEFAULT CURRENT_TIMESTAMP
);

CREATE TRIGGER IF NOT EXISTS update_user_settings_timestamp
AFTER UPDATE ON user_settings
FOR EACH ROW
BEGIN
    UPDATE user_settings SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD.id;
END;

-- ---------------------------------------------------------------------------
-- Per-directive preferences (one value per directive and key)
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS directive_preferences (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    directive_name TEXT NOT NULL,
    preference_key TEXT NOT NULL,
    preference_value TEXT NOT NULL,
    active BOOLEAN DEFAULT 1,
    description TEXT,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (directive_name, preference_key)
);

CREATE INDEX IF NOT EXISTS idx_directive_preferences_directive ON directive_preferences(directive_name);
CREATE INDEX IF NOT EXISTS idx_directive_preferences_active ON directive_preferences(active);

CREATE TRIGGER IF NOT EXISTS update_directive_preferences_timestamp
AFTER UPDATE ON directive_preferences
FOR EACH ROW
BEGIN
    UPDATE directive_preferences SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD.id;
END;

-- ---------------------------------------------------------------------------
-- AI interaction log (user corrections the AI may learn from; opt-in)
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS ai_interaction_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    interaction_type TEXT NOT NULL,
    directive_context TEXT,
    user_feedback TEXT NOT NULL,
    ai_interpretation TEXT,
    applied_to_preferences BOOLEAN DEFAULT 0,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX IF NOT EXISTS idx_ai_interaction_log_directive ON ai_interaction_log(directive_context);

-- ---------------------------------------------------------------------------
-- FP compliance tracking per function (opt-in)
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS fp_flow_tracking (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    function_name TEXT NOT NULL,
    file_path TEXT NOT NULL,
    fp_directives_applied TEXT NOT NULL,        -- JSON array of directive names
    compliance_score REAL DEFAULT 1.0,
    issues_json TEXT,
    user_overrides TEXT,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX IF NOT EXISTS idx_fp_flow_tracking_file ON fp_flow_tracking(file_path);

CREATE TRIGGER IF NOT EXISTS update_fp_flow_tracking_timestamp
AFTER UPDATE ON fp_flow_tracking
FOR EACH ROW
BEGIN
    UPDATE fp_flow_tracking SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD.id;
END;

-- ---------------------------------------------------------------------------
-- Issue reports (drafted locally, submitted by the user)
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS issue_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_type TEXT NOT NULL,                  -- 'bug', 'feature_request', ...
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    directive_name TEXT,
    context_log_ids TEXT,                       -- JSON array of ai_interaction_log ids
    status TEXT DEFAULT 'draft',
    submitted_at DATETIME,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX IF NOT EXISTS idx_issue_reports_status ON issue_reports(status);

-- ---------------------------------------------------------------------------
-- Tracking feature switches (all disabled by default)
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS tracking_settings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    feature_name TEXT NOT NULL UNIQUE,
    enabled BOOLEAN DEFAULT 0,
    description TEXT,
    estimated_token_overhead TEXT,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME DEFAULT CURRENT_TIMESTAMP
);

CREATE TRIGGER IF NOT EXISTS update_tracking_settings_timestamp
AFTER UPDATE ON tracking_settings
FOR EACH ROW
BEGIN
    UPDATE tracking_settings SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD.id;
END;

-- ---------------------------------------------------------------------------
-- Initial version
-- ---------------------------------------------------------------------------
INSERT INTO schema_version (id, version) VALUES (1, '1.0');
