-- project.db at 1.2 as AIFP published it on 2025-11-21
-- (commit bbc5fe8, src/aifp/database/schemas/project.sql).
-- Rendered from tests/facts/history/project/07_2025-11-21_bbc5fe8_v1.2.json by
-- scripts/render_shapes.py: do not edit. aifp-migrate never runs this
-- file on a database; it replays it in memory to recognise a database
-- at this shape.

CREATE TABLE "completion_path" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "order_index" INTEGER NOT NULL,
    "status" TEXT DEFAULT 'pending',
    "description" TEXT,
    "project_id" INTEGER NOT NULL,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY ("project_id") REFERENCES "project" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE TABLE "file_flows" (
    "file_id" INTEGER,
    "flow_id" INTEGER,
    PRIMARY KEY ("file_id", "flow_id"),
    FOREIGN KEY ("file_id") REFERENCES "files" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
    FOREIGN KEY ("flow_id") REFERENCES "flows" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);

CREATE TABLE "files" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "path" TEXT NOT NULL,
    "language" TEXT,
    "checksum" TEXT,
    "project_id" INTEGER NOT NULL,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("path"),
    FOREIGN KEY ("project_id") REFERENCES "project" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE TABLE "flow_themes" (
    "flow_id" INTEGER,
    "theme_id" INTEGER,
    PRIMARY KEY ("flow_id", "theme_id"),
    FOREIGN KEY ("flow_id") REFERENCES "flows" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
    FOREIGN KEY ("theme_id") REFERENCES "themes" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);

CREATE TABLE "flows" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "ai_generated" BOOLEAN DEFAULT 1,
    "confidence_score" REAL DEFAULT 0.0,
    "project_id" INTEGER NOT NULL,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY ("project_id") REFERENCES "project" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE TABLE "functions" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "file_id" INTEGER NOT NULL,
    "purpose" TEXT,
    "parameters" JSON,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY ("file_id") REFERENCES "files" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);

CREATE TABLE "infrastructure" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "type" TEXT NOT NULL,
    "value" TEXT,
    "description" TEXT,
    "project_id" INTEGER NOT NULL,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY ("project_id") REFERENCES "project" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE TABLE "interactions" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "source_function_id" INTEGER NOT NULL,
    "target_function_id" INTEGER NOT NULL,
    "interaction_type" TEXT NOT NULL,
    "description" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY ("source_function_id") REFERENCES "functions" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
    FOREIGN KEY ("target_function_id") REFERENCES "functions" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);

CREATE TABLE "items" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "reference_table" TEXT NOT NULL,
    "reference_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT DEFAULT 'pending',
    "description" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (reference_table in('tasks','subtasks','sidequests'))
);

CREATE TABLE "merge_history" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "source_branch" TEXT NOT NULL,
    "target_branch" TEXT DEFAULT 'main',
    "merge_timestamp" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "conflicts_detected" INTEGER DEFAULT 0,
    "conflicts_auto_resolved" INTEGER DEFAULT 0,
    "conflicts_manual_resolved" INTEGER DEFAULT 0,
    "resolution_details" TEXT,
    "merged_by" TEXT,
    "merge_commit_hash" TEXT
);

CREATE TABLE "milestones" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "completion_path_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT DEFAULT 'pending',
    "description" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY ("completion_path_id") REFERENCES "completion_path" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);

CREATE TABLE "notes" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "content" TEXT NOT NULL,
    "note_type" TEXT NOT NULL,
    "reference_table" TEXT,
    "reference_id" INTEGER,
    "source" TEXT DEFAULT 'ai',
    "directive_name" TEXT,
    "severity" TEXT DEFAULT 'info',
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE "project" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "goals_json" TEXT NOT NULL,
    "status" TEXT DEFAULT 'active',
    "version" INTEGER DEFAULT 1,
    "blueprint_checksum" TEXT,
    "user_directives_status" TEXT DEFAULT NULL,
    "last_known_git_hash" TEXT,
    "last_git_sync" DATETIME,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("name"),
    CHECK (user_directives_status in(null,'in_progress','active','disabled'))
);

CREATE TABLE "schema_version" (
    "id" INTEGER PRIMARY KEY,
    "version" TEXT NOT NULL,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (id = 1)
);

CREATE TABLE "sidequests" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "paused_task_id" INTEGER NOT NULL,
    "paused_subtask_id" INTEGER,
    "name" TEXT NOT NULL,
    "status" TEXT DEFAULT 'pending',
    "priority" TEXT DEFAULT 'low',
    "description" TEXT,
    "flow_ids" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY ("paused_subtask_id") REFERENCES "subtasks" ("id") ON DELETE SET NULL ON UPDATE NO ACTION,
    FOREIGN KEY ("paused_task_id") REFERENCES "tasks" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);

CREATE TABLE "subtasks" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "parent_task_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT DEFAULT 'pending',
    "priority" TEXT DEFAULT 'high',
    "description" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY ("parent_task_id") REFERENCES "tasks" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);

CREATE TABLE "tasks" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "milestone_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT DEFAULT 'pending',
    "priority" INTEGER DEFAULT 0,
    "description" TEXT,
    "flow_ids" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY ("milestone_id") REFERENCES "milestones" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);

CREATE TABLE "themes" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "ai_generated" BOOLEAN DEFAULT 1,
    "confidence_score" REAL DEFAULT 0.0,
    "project_id" INTEGER NOT NULL,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("name"),
    FOREIGN KEY ("project_id") REFERENCES "project" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE TABLE "types" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "definition_json" TEXT NOT NULL,
    "description" TEXT,
    "linked_function_id" INTEGER,
    "project_id" INTEGER NOT NULL,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("name"),
    FOREIGN KEY ("linked_function_id") REFERENCES "functions" ("id") ON DELETE SET NULL ON UPDATE NO ACTION,
    FOREIGN KEY ("project_id") REFERENCES "project" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE TABLE "work_branches" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "branch_name" TEXT NOT NULL,
    "user_name" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "status" TEXT DEFAULT 'active',
    "created_from" TEXT DEFAULT 'main',
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "merged_at" DATETIME,
    "merge_conflicts_count" INTEGER DEFAULT 0,
    "merge_resolution_strategy" TEXT,
    "metadata_json" TEXT,
    UNIQUE ("branch_name")
);

CREATE INDEX idx_completion_path_project_id ON completion_path(project_id);

CREATE INDEX idx_files_path ON files(path);

CREATE INDEX idx_functions_file_id ON functions(file_id);

CREATE INDEX idx_items_reference ON items(reference_table,reference_id);

CREATE INDEX idx_merge_history_source ON merge_history(source_branch);

CREATE INDEX idx_merge_history_timestamp ON merge_history(merge_timestamp);

CREATE INDEX idx_notes_directive ON notes(directive_name);

CREATE INDEX idx_notes_severity ON notes(severity);

CREATE INDEX idx_notes_source ON notes(source);

CREATE INDEX idx_work_branches_status ON work_branches(status);

CREATE INDEX idx_work_branches_user ON work_branches(user_name);

CREATE TRIGGER delete_sidequest_items AFTER DELETE ON sidequests FOR EACH ROW BEGIN DELETE FROM items WHERE reference_table = 'sidequests' AND reference_id = OLD . id;END;

CREATE TRIGGER delete_subtask_items AFTER DELETE ON subtasks FOR EACH ROW BEGIN DELETE FROM items WHERE reference_table = 'subtasks' AND reference_id = OLD . id;END;

CREATE TRIGGER delete_task_items AFTER DELETE ON tasks FOR EACH ROW BEGIN DELETE FROM items WHERE reference_table = 'tasks' AND reference_id = OLD . id;END;

CREATE TRIGGER update_project_timestamp AFTER UPDATE ON project FOR EACH ROW BEGIN UPDATE project SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;
