-- project.db at 1.6 as AIFP published it on 2026-02-08
-- (commit 3aceaf5, src/aifp/database/schemas/project.sql).
-- Rendered from tests/facts/history/project/11_2026-02-08_3aceaf5_v1.6.json by
-- scripts/render_shapes.py: do not edit. aifp-migrate never runs this
-- file on a database; it replays it in memory to recognise a database
-- at this shape.

CREATE TABLE "completion_path" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "order_index" INTEGER NOT NULL,
    "status" TEXT DEFAULT 'pending',
    "description" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (status in('pending','in_progress','completed'))
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
    "name" TEXT,
    "path" TEXT NOT NULL,
    "language" TEXT,
    "is_reserved" BOOLEAN DEFAULT 0,
    "id_in_name" BOOLEAN DEFAULT 1,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("path")
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
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE "functions" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "file_id" INTEGER NOT NULL,
    "purpose" TEXT,
    "parameters" JSON,
    "returns" JSON,
    "is_reserved" BOOLEAN DEFAULT 0,
    "id_in_name" BOOLEAN DEFAULT 1,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY ("file_id") REFERENCES "files" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);

CREATE TABLE "infrastructure" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "type" TEXT NOT NULL,
    "value" TEXT,
    "description" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE "interactions" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "source_function_id" INTEGER NOT NULL,
    "target_function_id" INTEGER NOT NULL,
    "interaction_type" TEXT NOT NULL,
    "description" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (interaction_type in('call','chain','borrow','compose','pipe')),
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
    CHECK (reference_table in('tasks','subtasks','sidequests')),
    CHECK (status in('pending','in_progress','completed'))
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
    CHECK (status in('pending','in_progress','completed','blocked')),
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
    "send_with_directive" BOOLEAN DEFAULT 0,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (note_type in('clarification','pivot','research','entry_deletion','warning','error','info','auto_summary','decision','evolution','analysis','task_context','external','summary')),
    CHECK (severity in('info','warning','error')),
    CHECK (source in('ai','user','directive'))
);

CREATE TABLE "project" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "goals_json" TEXT NOT NULL,
    "status" TEXT DEFAULT 'active',
    "version" INTEGER DEFAULT 1,
    "user_directives_status" TEXT DEFAULT NULL,
    "last_known_git_hash" TEXT,
    "last_git_sync" DATETIME,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("name"),
    CHECK (status in('active','paused','completed','abandoned')),
    CHECK (user_directives_status in(null,'pending_discovery','pending_parse','in_progress','active','disabled'))
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
    "priority" TEXT DEFAULT 'critical',
    "description" TEXT,
    "flow_ids" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (priority in('low','medium','high','critical')),
    CHECK (status in('pending','in_progress','completed')),
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
    CHECK (priority in('low','medium','high','critical')),
    CHECK (status in('pending','in_progress','completed','blocked')),
    FOREIGN KEY ("parent_task_id") REFERENCES "tasks" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);

CREATE TABLE "tasks" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "milestone_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT DEFAULT 'pending',
    "priority" TEXT DEFAULT 'medium',
    "description" TEXT,
    "flow_ids" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (priority in('low','medium','high','critical')),
    CHECK (status in('pending','in_progress','completed','blocked')),
    FOREIGN KEY ("milestone_id") REFERENCES "milestones" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);

CREATE TABLE "themes" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "ai_generated" BOOLEAN DEFAULT 1,
    "confidence_score" REAL DEFAULT 0.0,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("name")
);

CREATE TABLE "types" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "file_id" INTEGER,
    "definition_json" TEXT NOT NULL,
    "description" TEXT,
    "is_reserved" BOOLEAN DEFAULT 0,
    "id_in_name" BOOLEAN DEFAULT 1,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY ("file_id") REFERENCES "files" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);

CREATE TABLE "types_functions" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "type_id" INTEGER NOT NULL,
    "function_id" INTEGER NOT NULL,
    "role" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("type_id", "function_id", "role"),
    CHECK (role in('factory','transformer','operator','pattern_matcher','accessor','validator','combinator')),
    FOREIGN KEY ("function_id") REFERENCES "functions" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
    FOREIGN KEY ("type_id") REFERENCES "types" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
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
    UNIQUE ("branch_name"),
    CHECK (status in('active','merged','abandoned'))
);

CREATE INDEX idx_completion_path_order ON completion_path(order_index);

CREATE INDEX idx_files_path ON files(path);

CREATE INDEX idx_functions_file_id ON functions(file_id);

CREATE INDEX idx_items_reference ON items(reference_table,reference_id);

CREATE INDEX idx_merge_history_source ON merge_history(source_branch);

CREATE INDEX idx_merge_history_timestamp ON merge_history(merge_timestamp);

CREATE INDEX idx_notes_directive ON notes(directive_name);

CREATE INDEX idx_notes_directive_send ON notes(directive_name,send_with_directive)WHERE send_with_directive = 1 AND directive_name IS NOT NULL;

CREATE INDEX idx_notes_severity ON notes(severity);

CREATE INDEX idx_notes_source ON notes(source);

CREATE INDEX idx_work_branches_status ON work_branches(status);

CREATE INDEX idx_work_branches_user ON work_branches(user_name);

CREATE TRIGGER delete_sidequest_items AFTER DELETE ON sidequests FOR EACH ROW BEGIN DELETE FROM items WHERE reference_table = 'sidequests' AND reference_id = OLD . id;END;

CREATE TRIGGER delete_subtask_items AFTER DELETE ON subtasks FOR EACH ROW BEGIN DELETE FROM items WHERE reference_table = 'subtasks' AND reference_id = OLD . id;END;

CREATE TRIGGER delete_task_items AFTER DELETE ON tasks FOR EACH ROW BEGIN DELETE FROM items WHERE reference_table = 'tasks' AND reference_id = OLD . id;END;

CREATE TRIGGER update_completion_path_timestamp AFTER UPDATE ON completion_path FOR EACH ROW BEGIN UPDATE completion_path SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

CREATE TRIGGER update_files_timestamp AFTER UPDATE ON files FOR EACH ROW BEGIN UPDATE files SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

CREATE TRIGGER update_flows_timestamp AFTER UPDATE ON flows FOR EACH ROW BEGIN UPDATE flows SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

CREATE TRIGGER update_functions_timestamp AFTER UPDATE ON functions FOR EACH ROW BEGIN UPDATE functions SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

CREATE TRIGGER update_infrastructure_timestamp AFTER UPDATE ON infrastructure FOR EACH ROW BEGIN UPDATE infrastructure SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

CREATE TRIGGER update_interactions_timestamp AFTER UPDATE ON interactions FOR EACH ROW BEGIN UPDATE interactions SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

CREATE TRIGGER update_items_timestamp AFTER UPDATE ON items FOR EACH ROW BEGIN UPDATE items SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

CREATE TRIGGER update_milestones_timestamp AFTER UPDATE ON milestones FOR EACH ROW BEGIN UPDATE milestones SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

CREATE TRIGGER update_notes_timestamp AFTER UPDATE ON notes FOR EACH ROW BEGIN UPDATE notes SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

CREATE TRIGGER update_project_timestamp AFTER UPDATE ON project FOR EACH ROW BEGIN UPDATE project SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

CREATE TRIGGER update_sidequests_timestamp AFTER UPDATE ON sidequests FOR EACH ROW BEGIN UPDATE sidequests SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

CREATE TRIGGER update_subtasks_timestamp AFTER UPDATE ON subtasks FOR EACH ROW BEGIN UPDATE subtasks SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

CREATE TRIGGER update_tasks_timestamp AFTER UPDATE ON tasks FOR EACH ROW BEGIN UPDATE tasks SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

CREATE TRIGGER update_themes_timestamp AFTER UPDATE ON themes FOR EACH ROW BEGIN UPDATE themes SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

CREATE TRIGGER update_types_timestamp AFTER UPDATE ON types FOR EACH ROW BEGIN UPDATE types SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;
