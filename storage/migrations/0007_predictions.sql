-- The predictions game (issue "During the show"): members guess each category's winner before it is
-- announced. Scores are never stored: they are derived from the live (not undone) results, so an undo
-- un-scores and a re-announcement scores again without a count to keep in step.

-- One pick per member and category; changing it overwrites the row and moves picked_at, which is what
-- "completed their ballot first" (the tie-break) reads. display_name is the member's name as of the pick,
-- for the export. Not enforced: that the nominee belongs to the category and that the category had no
-- live result when the pick was made (the store checks both inside the transaction that writes it).
CREATE TABLE predictions (
    party_id     INTEGER NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    category_id  INTEGER NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    display_name TEXT    NOT NULL,
    nominee_id   INTEGER NOT NULL REFERENCES nominees (id) ON DELETE CASCADE,
    picked_at    TEXT    NOT NULL,
    PRIMARY KEY (category_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX predictions_by_party ON predictions (party_id, user_id);

-- A host's switches for the game; a party without a row plays with predictions on and no lock.
-- locks_at: from that moment no pick is taken or changed (a lock in the past locks at once).
CREATE TABLE prediction_settings (
    party_id INTEGER PRIMARY KEY REFERENCES parties (id) ON DELETE CASCADE,
    enabled  INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    locks_at TEXT
) STRICT;
