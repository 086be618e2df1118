-- user_preferences.db: v1.1 -> v1.2 -- custom_return_statements
--
-- Takes a database at EITHER published 1.1 shape (2025-11-24, 3f6b85c,
-- without tracking_notes; or 2026-01-08, 11d647b, with it) to exactly the
-- published 1.2 shape (2026-02-06, 969550c). Rendered by `aifp-migrate diff
-- shapes/v1.1_2025-11-24_3f6b85c.sql shapes/v1.2_2026-02-06_969550c.sql
-- --as-step`.
--
-- * custom_return_statements is created with its two indexes and trigger.
-- * tracking_notes and its indexes are created where the database is at the
--   earlier 1.1 shape; where they exist (identical), the tool skips them.
-- Only creates: no row of any existing table is touched, nothing is lost,
-- nothing is refused.
--
-- Inverse: rollback/v1.2_to_v1.1_custom_return_statements.sql.

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
CREATE INDEX idx_custom_return_statements_active ON custom_return_statements(active);
CREATE INDEX idx_custom_return_statements_helper ON custom_return_statements(helper_name);
CREATE INDEX idx_tracking_notes_directive ON tracking_notes(directive_name);
CREATE INDEX idx_tracking_notes_reference ON tracking_notes(reference_type,reference_name);
CREATE INDEX idx_tracking_notes_type ON tracking_notes(note_type);
CREATE TRIGGER update_custom_return_statements_timestamp AFTER UPDATE ON custom_return_statements FOR EACH ROW BEGIN UPDATE custom_return_statements SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

UPDATE schema_version SET version = '1.2', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
