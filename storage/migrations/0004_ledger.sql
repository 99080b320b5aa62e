-- The night's ledger: corrections never delete. A voided pledge or payment keeps its row, marked with
-- who voided it, when and why, and leaves every total.
ALTER TABLE pledges ADD COLUMN voided_at TEXT;
ALTER TABLE pledges ADD COLUMN voided_by INTEGER;
ALTER TABLE pledges ADD COLUMN void_reason TEXT;
ALTER TABLE payments ADD COLUMN voided_at TEXT;
ALTER TABLE payments ADD COLUMN voided_by INTEGER;
ALTER TABLE payments ADD COLUMN void_reason TEXT;
-- A voided pledge leaves the wall and the counter like a cancelled one: the indexes that answer them
-- cover live pledges only.
DROP INDEX pledges_by_party;
CREATE INDEX pledges_by_party ON pledges (party_id, created_at) WHERE cancelled_at IS NULL AND voided_at IS NULL;
DROP INDEX pledges_donor_wall;
CREATE INDEX pledges_donor_wall ON pledges (party_id, user_id, anonymous, amount_cents)
    WHERE cancelled_at IS NULL AND voided_at IS NULL;

-- Every waiver of a winner's dues, kept after a void: the dues row says only where they stand now.
-- Not enforced: that at most one live waiver exists per dues row (the waive/void paths check it).
CREATE TABLE waivers (
    id          INTEGER PRIMARY KEY,
    party_id    INTEGER NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    dues_id     INTEGER NOT NULL REFERENCES dues (id),
    user_id     INTEGER NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
    waived_by   INTEGER NOT NULL,
    waived_at   TEXT    NOT NULL,
    voided_at   TEXT,
    voided_by   INTEGER,
    void_reason TEXT
) STRICT;
CREATE INDEX waivers_by_party ON waivers (party_id, user_id);

-- The party's audit trail: every host action and correction, with who, when, what and why. Rows are
-- only ever added. `subject_id` is the member concerned (if any); `detail` is plain text written by the
-- store (category, nominee, what changed); `ref_id` points at the row acted on in the table the action
-- names (a pledge for pledge_void, a payment for payment, ...).
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    party_id     INTEGER NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    at           TEXT    NOT NULL,
    actor_id     INTEGER NOT NULL,
    action       TEXT    NOT NULL,
    subject_id   INTEGER,
    amount_cents INTEGER,
    ref_id       INTEGER,
    detail       TEXT,
    reason       TEXT
) STRICT;
CREATE INDEX audit_log_by_party ON audit_log (party_id, id);

-- Co-nominees: a nominee may stand for several members ("Tina Fey & Tracey Wigfield"). nominees.member_id
-- stays the first linked member (what older readers use); this table holds every link, that one included.
CREATE TABLE nominee_members (
    nominee_id INTEGER NOT NULL REFERENCES nominees (id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL,
    PRIMARY KEY (nominee_id, member_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX nominee_members_by_member ON nominee_members (member_id);
INSERT INTO nominee_members (nominee_id, member_id) SELECT id, member_id FROM nominees WHERE member_id IS NOT NULL;
-- Whoever writes nominees.member_id (the ballot, an import, older code) links that member too.
CREATE TRIGGER nominees_link_first AFTER INSERT ON nominees WHEN NEW.member_id IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO nominee_members (nominee_id, member_id) VALUES (NEW.id, NEW.member_id);
END;
CREATE TRIGGER nominees_link_changed AFTER UPDATE OF member_id ON nominees WHEN NEW.member_id IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO nominee_members (nominee_id, member_id) VALUES (NEW.id, NEW.member_id);
END;

-- A nominee added after its category's result is not passed over in it: remember when each was added.
ALTER TABLE nominees ADD COLUMN added_at TEXT;
