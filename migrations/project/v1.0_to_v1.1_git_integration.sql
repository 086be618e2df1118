-- project.db: v1.0 -> v1.1 -- Git integration
--
-- Adds Git tracking to the project table and two tables for multi-user /
-- multi-AI collaboration: work_branches (one row per working branch) and
-- merge_history (audit trail of FP-powered conflict resolution).
-- Taken verbatim from the migration plan (Example 4 / Phase 1).
--
-- The migration tool runs this file inside its own transaction and records it
-- in schema_history; it contains no transaction control of its own.
-- Inverse: rollback/v1.1_to_v1.0_git_integration.sql.

-- Add Git tracking fields to project table (appended after updated_at)
ALTER TABLE project ADD COLUMN last_known_git_hash TEXT;
ALTER TABLE project ADD COLUMN last_git_sync DATETIME;

-- Create work_branches table for multi-user/multi-AI collaboration
CREATE TABLE IF NOT EXISTS work_branches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    branch_name TEXT UNIQUE NOT NULL,
    user_name TEXT NOT NULL,
    purpose TEXT NOT NULL,
    status TEXT DEFAULT 'active',
    created_from TEXT DEFAULT 'main',
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    merged_at DATETIME NULL,
    merge_conflicts_count INTEGER DEFAULT 0,
    merge_resolution_strategy TEXT,
    metadata_json TEXT
);

-- Create merge_history table for FP-powered conflict resolution audit trail
CREATE TABLE IF NOT EXISTS merge_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_branch TEXT NOT NULL,
    target_branch TEXT DEFAULT 'main',
    merge_timestamp DATETIME DEFAULT CURRENT_TIMESTAMP,
    conflicts_detected INTEGER DEFAULT 0,
    conflicts_auto_resolved INTEGER DEFAULT 0,
    conflicts_manual_resolved INTEGER DEFAULT 0,
    resolution_details TEXT,
    merged_by TEXT,
    merge_commit_hash TEXT
);

-- Create indexes for Git collaboration tables
CREATE INDEX IF NOT EXISTS idx_work_branches_user ON work_branches(user_name);
CREATE INDEX IF NOT EXISTS idx_work_branches_status ON work_branches(status);
CREATE INDEX IF NOT EXISTS idx_merge_history_timestamp ON merge_history(merge_timestamp);
CREATE INDEX IF NOT EXISTS idx_merge_history_source ON merge_history(source_branch);

-- Update schema version
UPDATE schema_version SET version = '1.1', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
