-- 007: the desk merges and splits incidents (src/desk/merge-split.ts). A merged incident points at
-- the incident it was merged into (and the pipeline sends what would have joined it there); an
-- incident split off another names it; a title the desk chose is kept by the pipeline.
-- desk_merges logs both actions with who and when, in order; the pipeline marks each one applied
-- once its working state follows it (src/db/repos/regrouping-repo.ts).
ALTER TABLE incidents ADD COLUMN merged_into TEXT;
ALTER TABLE incidents ADD COLUMN split_from TEXT;
ALTER TABLE incidents ADD COLUMN title_set_by TEXT;
CREATE INDEX incidents_merged_into ON incidents (merged_into) WHERE merged_into IS NOT NULL;

CREATE TABLE desk_merges (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT,
  action TEXT NOT NULL CHECK (action IN ('merge', 'split')),
  source_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE, -- merge: the merged incident; split: the incident the posts left
  target_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE, -- merge: the incident it went into; split: the new incident
  post_count INTEGER NOT NULL,
  posts TEXT,                                                          -- split: JSON array of the moved posts' source:id keys
  applied_at TEXT                                                      -- when the pipeline followed it (NULL: not yet)
);
CREATE INDEX desk_merges_pending ON desk_merges (id) WHERE applied_at IS NULL;
CREATE INDEX desk_merges_source ON desk_merges (source_id);
CREATE INDEX desk_merges_target ON desk_merges (target_id);
