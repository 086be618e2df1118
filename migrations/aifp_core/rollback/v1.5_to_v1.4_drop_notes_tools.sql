-- aifp_core.db: rollback v1.5 -> v1.4 -- drop notes and tools
--
-- Hand-written inverse of ../v1.4_to_v1.5_drop_notes_tools.sql: recreates
-- the notes and tools tables of the latest 1.4 shape (2025-11-01), EMPTY:
-- their rows were lost by the forward step and cannot be brought back.
-- Every other row is kept. DDL rendered by `aifp-migrate diff ... --reverse`.

CREATE TABLE "notes" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "content" TEXT NOT NULL,
    "reference_table" TEXT,
    "reference_id" INTEGER,
    "ai_generated" BOOLEAN DEFAULT 0,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE "tools" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "maps_to_directive_id" INTEGER,
    "description" TEXT,
    UNIQUE ("name"),
    FOREIGN KEY ("maps_to_directive_id") REFERENCES "directives" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION
);

UPDATE schema_version SET version = '1.4', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
