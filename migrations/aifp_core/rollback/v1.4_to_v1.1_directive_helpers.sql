-- aifp_core.db: rollback v1.4 -> v1.1 -- directive_helpers, helper flags, notes
--
-- Hand-written inverse of ../v1.1_to_v1.4_directive_helpers.sql: back to the
-- 1.1 structure (= real 1.0). Real losses, because 1.1 has nowhere to keep
-- them: every row of directive_helpers and of notes, and the values of
-- helper_functions.is_tool / is_sub_helper. Every other row and column is kept.
-- Works from both published 1.4 shapes: the 2025-10-31 one has no
-- directive_helpers (its DROP is skipped) and no helper flags, so
-- helper_functions is rebuilt to 1.0's definition (copying the columns both
-- have) instead of dropping the two columns.
-- DDL rendered by `aifp-migrate diff ... --as-step --reverse` and, for the
-- rebuild, from shapes/v1.0_2025-10-12_f2cad87.sql.
--
-- Data this file destroys (verify checks these markers; the tool names
-- the losses and asks before it runs):
-- aifp-migrate: drops directive_helpers
-- aifp-migrate: drops notes
-- aifp-migrate: drops helper_functions.is_tool, helper_functions.is_sub_helper

DROP TABLE directive_helpers;
DROP TABLE notes;
CREATE TABLE new_helper_functions (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "file_path" TEXT,
    "parameters" JSON,
    "purpose" TEXT,
    "error_handling" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("name")
);
INSERT INTO new_helper_functions (id, name, file_path, parameters, purpose, error_handling, created_at, updated_at) SELECT id, name, file_path, parameters, purpose, error_handling, created_at, updated_at FROM helper_functions;
DELETE FROM sqlite_sequence WHERE name = 'new_helper_functions';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_helper_functions', seq FROM sqlite_sequence WHERE name = 'helper_functions';
DROP TABLE helper_functions;
ALTER TABLE new_helper_functions RENAME TO helper_functions;

UPDATE schema_version SET version = '1.1', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
