-- project.db: rollback v1.9 -> v1.8 -- modules
--
-- Inverse of ../v1.8_to_v1.9_modules.sql: drops modules_fts, its triggers,
-- module_files and modules.
-- Data loss (real, named by the tool): the rows of modules and module_files.
--
-- DDL rendered by `aifp-migrate diff --reverse`.
--
-- Data this file destroys (verify checks these markers; the tool names
-- the losses and asks before it runs):
-- aifp-migrate: drops module_files
-- aifp-migrate: drops modules

DROP TRIGGER modules_fts_delete;
DROP TRIGGER modules_fts_insert;
DROP TRIGGER modules_fts_update;
DROP TRIGGER update_modules_timestamp;
DROP TABLE modules_fts;
DROP TABLE module_files;
DROP TABLE modules;

-- Update schema version
UPDATE schema_version SET version = '1.8', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
