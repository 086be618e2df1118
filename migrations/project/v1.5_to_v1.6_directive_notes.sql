-- project.db: v1.5 -> v1.6 -- notes.send_with_directive, types.links
--
-- AIFP's 1.6: notes.send_with_directive BOOLEAN DEFAULT 0 with the partial
-- index idx_notes_directive_send (2026-02-08), and types.links TEXT
-- (2026-02-10, the latest 1.6 shape). Both are added in place (ADD COLUMN,
-- no rebuild of notes or types), so they sit after updated_at: column order
-- is the only difference from the published 1.6 shape.
--
-- Accepts the published 1.5 shape and the chain's 1.5 (functions' columns
-- in either order; functions is not touched). Data: every row kept;
-- send_with_directive takes its declared default 0 (no note was sent with a
-- directive before the column existed), links starts NULL. Nothing refused.
--
-- DDL rendered by `aifp-migrate diff` from the chain's 1.5 to its 1.6.
-- Inverse: rollback/v1.6_to_v1.5_directive_notes.sql.

ALTER TABLE notes ADD COLUMN "send_with_directive" BOOLEAN DEFAULT 0;
ALTER TABLE types ADD COLUMN "links" TEXT;
CREATE INDEX idx_notes_directive_send ON notes(directive_name,send_with_directive)WHERE send_with_directive = 1 AND directive_name IS NOT NULL;

-- Update schema version
UPDATE schema_version SET version = '1.6', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
