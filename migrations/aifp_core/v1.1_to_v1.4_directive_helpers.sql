-- aifp_core.db: v1.1 -> v1.4 -- directive_helpers, helper flags, notes
--
-- Brings the structure the chain has at 1.1 (which equals real 1.0: AIFP
-- published no 1.1 and no real database is at 1.1, only ones this tool
-- migrated) to the LATEST published 1.4 shape (2025-11-01, 010eee4):
--   * helper_functions gains is_tool and is_sub_helper (BOOLEAN DEFAULT 0),
--     placed before created_at as in AIFP's 1.4 (a rebuild keeps the exact
--     column order; the table holds ~50 rows, so the rebuild is cheap);
--   * new table directive_helpers (directive <-> helper mapping) + indexes;
--   * new table notes (AIFP's 1.4 has it again; 1.5 drops it for good).
--
-- Accepts: the 1.1 structure (what v1.0_initial_schema.sql or the published
-- 1.0 shape becomes after v1.0_to_v1.1). The earlier 1.4 shape (2025-10-31,
-- 130cba2) is a published alternate of 1.4 and is carried by v1.4_to_v1.5.
-- Rows: every row is kept; the two new flags are 0 for existing helpers, as
-- AIFP's own ADD COLUMN ... DEFAULT 0 gave them. Nothing is refused.
-- DDL rendered by `aifp-migrate diff shapes/v1.0_... shapes/v1.4_2025-11-01_010eee4.sql --as-step`.
-- Inverse: rollback/v1.4_to_v1.1_directive_helpers.sql.

CREATE TABLE new_helper_functions (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "file_path" TEXT,
    "parameters" JSON,
    "purpose" TEXT,
    "error_handling" TEXT,
    "is_tool" BOOLEAN DEFAULT 0,
    "is_sub_helper" BOOLEAN DEFAULT 0,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("name")
);
INSERT INTO new_helper_functions (id, name, file_path, parameters, purpose, error_handling, created_at, updated_at) SELECT id, name, file_path, parameters, purpose, error_handling, created_at, updated_at FROM helper_functions;
DELETE FROM sqlite_sequence WHERE name = 'new_helper_functions';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_helper_functions', seq FROM sqlite_sequence WHERE name = 'helper_functions';
DROP TABLE helper_functions;
ALTER TABLE new_helper_functions RENAME TO helper_functions;
CREATE TABLE "directive_helpers" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "directive_id" INTEGER NOT NULL,
    "helper_function_id" INTEGER NOT NULL,
    "execution_context" TEXT,
    "sequence_order" INTEGER DEFAULT 0,
    "is_required" BOOLEAN DEFAULT 1,
    "parameters_mapping" JSON,
    "description" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("directive_id", "helper_function_id", "execution_context"),
    FOREIGN KEY ("directive_id") REFERENCES "directives" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
    FOREIGN KEY ("helper_function_id") REFERENCES "helper_functions" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);
CREATE TABLE "notes" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "content" TEXT NOT NULL,
    "reference_table" TEXT,
    "reference_id" INTEGER,
    "ai_generated" BOOLEAN DEFAULT 0,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_directive_helpers_directive ON directive_helpers(directive_id);
CREATE INDEX idx_directive_helpers_helper ON directive_helpers(helper_function_id);

UPDATE schema_version SET version = '1.4', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
