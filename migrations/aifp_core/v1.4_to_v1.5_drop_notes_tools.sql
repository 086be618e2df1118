-- aifp_core.db: v1.4 -> v1.5 -- drop notes and tools
--
-- Brings a database at EITHER published 1.4 shape to the published 1.5 shape
-- (2025-11-02, 455b307):
--   * 2025-10-31 (130cba2): no directive_helpers, no helper flags. The two
--     ADD COLUMNs and the CREATEs below add them (on the 2025-11-01 shape they
--     already exist identically and the tool skips them);
--   * 2025-11-01 (010eee4): has them already.
-- Then helper_functions is rebuilt so its columns are in 1.5's order on both
-- shapes (is_tool, is_sub_helper before created_at; ~50 rows, cheap).
--
-- REAL LOSS: AIFP 1.5 dropped the tables notes and tools from aifp_core.db
-- (notes live in project.db; MCP tools became helper_functions.is_tool).
-- Every row of notes and of tools is lost; the tool names both drops before
-- it acts. Nothing else is lost and nothing is refused.
-- DDL rendered by `aifp-migrate diff` between the two 1.4 shapes and 1.5.
-- Inverse: rollback/v1.5_to_v1.4_drop_notes_tools.sql (recreates both tables, empty).
--
-- Data this file destroys (verify checks these markers; the tool names
-- the losses and asks before it runs):
-- aifp-migrate: drops notes
-- aifp-migrate: drops tools

ALTER TABLE helper_functions ADD COLUMN is_tool BOOLEAN DEFAULT 0;
ALTER TABLE helper_functions ADD COLUMN is_sub_helper BOOLEAN DEFAULT 0;
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
INSERT INTO new_helper_functions (id, name, file_path, parameters, purpose, error_handling, is_tool, is_sub_helper, created_at, updated_at) SELECT id, name, file_path, parameters, purpose, error_handling, is_tool, is_sub_helper, created_at, updated_at FROM helper_functions;
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
CREATE INDEX idx_directive_helpers_directive ON directive_helpers(directive_id);
CREATE INDEX idx_directive_helpers_helper ON directive_helpers(helper_function_id);

-- Real loss (see header): AIFP 1.5 has no notes or tools table.
DROP TABLE notes;
DROP TABLE tools;

UPDATE schema_version SET version = '1.5', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
