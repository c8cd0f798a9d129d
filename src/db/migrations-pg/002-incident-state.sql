-- PostgreSQL twin of src/db/migrations/002-incident-state.sql (same version; see README "Stores").
-- 002: incident kind (story | surge) and the scorer's serialized working state, so a restart
-- resumes level hysteresis and clustering where it stopped.
ALTER TABLE incidents ADD COLUMN kind TEXT COLLATE "C" NOT NULL DEFAULT 'story';
ALTER TABLE incidents ADD COLUMN state_json TEXT COLLATE "C";
ALTER TABLE incidents ADD COLUMN severity DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN categories TEXT COLLATE "C";
ALTER TABLE incidents ADD COLUMN components TEXT COLLATE "C";
ALTER TABLE posts ADD COLUMN topics TEXT COLLATE "C";
