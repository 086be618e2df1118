-- project.db: rollback v1.1 -> v1.0 -- Git integration
--
-- Hand-written inverse of ../v1.0_to_v1.1_git_integration.sql. It restores
-- the v1.0 schema EXACTLY and keeps every row of every v1.0 table.
--
-- Unlike the plan's draft, this rollback does NOT rebuild project with
-- CREATE TABLE ... AS SELECT: that would lose the PRIMARY KEY, AUTOINCREMENT,
-- NOT NULL, DEFAULTs, UNIQUE(name), the CHECK on user_directives_status and
-- the update_project_timestamp trigger, and child tables referencing project
-- would then fail with "foreign key mismatch". Instead it uses
-- ALTER TABLE ... DROP COLUMN (SQLite >= 3.35), which is allowed here because
-- the two Git columns are not indexed, keyed, UNIQUE, part of a CHECK, or
-- named by any trigger or view. project keeps its rowids, so its
-- sqlite_sequence entry and every foreign key pointing at it stay valid.
--
-- Data loss (expected): the Git columns' values and the rows of work_branches
-- and merge_history, which do not exist at v1.0.
--
-- The migration tool runs this file inside its own transaction with foreign
-- keys OFF and requires an empty PRAGMA foreign_key_check before COMMIT.

-- Drop Git integration tables (their indexes and sqlite_sequence rows go with them)
DROP TABLE IF EXISTS merge_history;
DROP TABLE IF EXISTS work_branches;

-- Remove Git fields from project table (reverse order of the forward step)
ALTER TABLE project DROP COLUMN last_git_sync;
ALTER TABLE project DROP COLUMN last_known_git_hash;

-- Revert schema version
UPDATE schema_version SET version = '1.0', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
