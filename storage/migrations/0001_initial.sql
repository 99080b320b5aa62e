-- The whole Losers Lounge schema: later features add behaviour, not tables.
-- Conventions: ids are Discord snowflakes (INTEGER) where they come from Discord; money is integer cents;
-- times are UTC ISO-8601 text ("2013-09-23T08:30:00+00:00"), which sorts correctly as text.
-- What the constraints do not enforce is said beside the table.

-- Small key/value facts about this installation (the hash of the last synced command payload, ...).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE parties (
    id                    INTEGER PRIMARY KEY,
    guild_id              INTEGER NOT NULL,
    name                  TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    venue                 TEXT,
    starts_at             TEXT,
    ends_at               TEXT,
    timezone              TEXT    NOT NULL DEFAULT 'UTC',
    charity               TEXT,
    winner_donation_cents INTEGER NOT NULL DEFAULT 100000 CHECK (winner_donation_cents >= 0),
    goal_cents            INTEGER CHECK (goal_cents IS NULL OR goal_cents > 0),
    capacity              INTEGER CHECK (capacity IS NULL OR capacity > 0),
    host_role_id          INTEGER,
    announce_channel_id   INTEGER,
    created_by            INTEGER NOT NULL,
    created_at            TEXT    NOT NULL,
    closed_at             TEXT,
    CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at)
) STRICT;
-- "A guild has at most one open party": closed ones stay for history.
CREATE UNIQUE INDEX parties_one_open_per_guild ON parties (guild_id) WHERE closed_at IS NULL;
CREATE INDEX parties_by_guild ON parties (guild_id, id);

-- Hosts named by the party itself (its creator); members with Manage Server or the host role are hosts
-- too, but that is read from Discord at run time, not stored.
CREATE TABLE party_hosts (
    party_id INTEGER NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL,
    added_at TEXT    NOT NULL,
    PRIMARY KEY (party_id, user_id)
) STRICT, WITHOUT ROWID;

-- name_key is the case- and space-insensitive form used for uniqueness and matching.
CREATE TABLE categories (
    id       INTEGER PRIMARY KEY,
    party_id INTEGER NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    name     TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    name_key TEXT    NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (party_id, name_key)
) STRICT;
CREATE INDEX categories_in_order ON categories (party_id, position);

-- member_id links a nominee to a guild member; one person may be nominated in several categories.
-- Not enforced: that member_id belongs to the party's guild.
CREATE TABLE nominees (
    id          INTEGER PRIMARY KEY,
    category_id INTEGER NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    name_key    TEXT    NOT NULL,
    member_id   INTEGER,
    position    INTEGER NOT NULL,
    UNIQUE (category_id, name_key)
) STRICT;
CREATE INDEX nominees_by_member ON nominees (member_id) WHERE member_id IS NOT NULL;
CREATE INDEX nominees_by_key ON nominees (name_key);

-- A member's answer. A "going" member past capacity waits with a waitlist_seq (smaller is earlier);
-- a confirmed guest has none. Not enforced: that confirmed heads fit the capacity (the rules check it
-- inside the write transaction).
CREATE TABLE rsvps (
    party_id     INTEGER NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    display_name TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('going', 'maybe', 'not_going')),
    plus_ones    INTEGER NOT NULL DEFAULT 0 CHECK (plus_ones BETWEEN 0 AND 5),
    note         TEXT,
    waitlist_seq INTEGER,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    PRIMARY KEY (party_id, user_id),
    CHECK (waitlist_seq IS NULL OR status = 'going')
) STRICT, WITHOUT ROWID;
CREATE INDEX rsvps_waitlist ON rsvps (party_id, waitlist_seq) WHERE waitlist_seq IS NOT NULL;

-- Every result ever posted; an undone one keeps its row (the undo history). Winner status and
-- "passed over" counts are derived from the live results, never stored.
CREATE TABLE results (
    id                      INTEGER PRIMARY KEY,
    party_id                INTEGER NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    category_id             INTEGER NOT NULL REFERENCES categories (id),
    nominee_id              INTEGER NOT NULL REFERENCES nominees (id),
    announced_by            INTEGER NOT NULL,
    announced_at            TEXT    NOT NULL,
    announce_channel_id     INTEGER,
    announce_message_id     INTEGER,
    undone_by               INTEGER,
    undone_at               TEXT,
    undo_reason             TEXT,
    correction_message_id   INTEGER
) STRICT;
-- "A category has at most one result": two hosts announcing at once get one row and one refusal.
CREATE UNIQUE INDEX results_one_live_per_category ON results (category_id) WHERE undone_at IS NULL;
CREATE INDEX results_by_party ON results (party_id, announced_at);

-- Winner's dues: once per person per party however many trophies. A cancelled row is history.
CREATE TABLE dues (
    id           INTEGER PRIMARY KEY,
    party_id     INTEGER NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
    status       TEXT    NOT NULL CHECK (status IN ('owed', 'paid', 'waived', 'cancelled')),
    created_at   TEXT    NOT NULL,
    settled_at   TEXT,
    settled_by   INTEGER
) STRICT;
CREATE UNIQUE INDEX dues_one_active_per_member ON dues (party_id, user_id) WHERE status != 'cancelled';

CREATE TABLE pledges (
    id             INTEGER PRIMARY KEY,
    party_id       INTEGER NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL,
    display_name   TEXT    NOT NULL,
    amount_cents   INTEGER NOT NULL CHECK (amount_cents BETWEEN 1 AND 100000000),
    anonymous      INTEGER NOT NULL DEFAULT 0 CHECK (anonymous IN (0, 1)),
    note           TEXT,
    created_at     TEXT    NOT NULL,
    cancelled_at   TEXT,
    interaction_id INTEGER UNIQUE
) STRICT;
CREATE INDEX pledges_by_party ON pledges (party_id, created_at) WHERE cancelled_at IS NULL;
CREATE INDEX pledges_by_member ON pledges (party_id, user_id);

-- Money actually received, recorded by a host. Not enforced: how a payment splits between dues and
-- pledges (the dues rules decide).
CREATE TABLE payments (
    id             INTEGER PRIMARY KEY,
    party_id       INTEGER NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL,
    amount_cents   INTEGER NOT NULL CHECK (amount_cents BETWEEN 1 AND 100000000),
    note           TEXT,
    recorded_by    INTEGER NOT NULL,
    recorded_at    TEXT    NOT NULL,
    interaction_id INTEGER UNIQUE
) STRICT;
CREATE INDEX payments_by_party ON payments (party_id, user_id);

CREATE TABLE arrivals (
    party_id      INTEGER NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL,
    arrived_at    TEXT    NOT NULL,
    checked_in_by INTEGER NOT NULL,
    PRIMARY KEY (party_id, user_id)
) STRICT, WITHOUT ROWID;

-- Engraved bottles earned by winners whose dues are settled.
CREATE TABLE bottles (
    party_id   INTEGER NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    engraving  TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    PRIMARY KEY (party_id, user_id)
) STRICT, WITHOUT ROWID;

-- Messages the bot keeps current: the live counter (one live per party) and invitations.
-- A retired row is a message replaced by a fresh one (the one-hour edit cap) or deleted.
CREATE TABLE party_messages (
    id          INTEGER PRIMARY KEY,
    party_id    INTEGER NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('counter', 'invitation')),
    channel_id  INTEGER NOT NULL,
    message_id  INTEGER NOT NULL UNIQUE,
    posted_at   TEXT    NOT NULL,
    retired_at  TEXT
) STRICT;
CREATE UNIQUE INDEX party_messages_one_live_counter ON party_messages (party_id)
    WHERE kind = 'counter' AND retired_at IS NULL;

-- Goal milestones (percent of the goal) already announced, so a restart never announces one twice.
CREATE TABLE milestones (
    party_id     INTEGER NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    percent      INTEGER NOT NULL CHECK (percent > 0),
    announced_at TEXT    NOT NULL,
    PRIMARY KEY (party_id, percent)
) STRICT, WITHOUT ROWID;

-- Interactions already applied: a redelivered interaction finds its id here and changes nothing.
-- Written in the same transaction as the change it guards.
CREATE TABLE processed_interactions (
    interaction_id INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL,
    processed_at   TEXT NOT NULL
) STRICT;
