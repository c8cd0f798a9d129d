-- 002: incident kind (story | surge) and the scorer's serialized working state, so a restart
-- resumes level hysteresis and clustering where it stopped.
ALTER TABLE incidents ADD COLUMN kind TEXT NOT NULL DEFAULT 'story';
ALTER TABLE incidents ADD COLUMN state_json TEXT;
ALTER TABLE incidents ADD COLUMN severity REAL NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN categories TEXT;
ALTER TABLE incidents ADD COLUMN components TEXT;
ALTER TABLE posts ADD COLUMN topics TEXT;
