-- The outbox: every post and DM the bot decides on, stored in the transaction that decided it, so a
-- crash between the decision and the post loses nothing (issue "Posts you can trust").
-- Exactly one target per row: a channel post (channel_id), a DM (user_id, with fallback_channel_id for a
-- member whose DMs are closed), or an edit of the message another row delivered (edit_of).
-- Not enforced: that a delivered row's message_id is the message Discord returned for its nonce (the
-- delivery records it), and that an edit's target row belongs to the same party.
CREATE TABLE outbox (
    id                   INTEGER PRIMARY KEY,
    party_id             INTEGER REFERENCES parties (id) ON DELETE CASCADE,
    kind                 TEXT    NOT NULL CHECK (length(kind) BETWEEN 1 AND 40),
    channel_id           INTEGER,
    user_id              INTEGER,
    fallback_channel_id  INTEGER,
    edit_of              INTEGER REFERENCES outbox (id),
    content              TEXT,
    embeds               TEXT    NOT NULL DEFAULT '[]',  -- JSON list of Embed.to_dict() payloads
    mention_user_ids     TEXT    NOT NULL DEFAULT '[]',  -- JSON list: the only members it may ping
    created_at           TEXT    NOT NULL,
    -- Set once Discord confirmed the message; the nonce makes a repeat after a crash return the same one.
    delivered_at         TEXT,
    delivered_channel_id INTEGER,
    message_id           INTEGER,
    -- A row that will never go out: withdrawn before it was posted, or refused by Discord for good.
    dropped_at           TEXT,
    drop_reason          TEXT,
    -- 50001/50013 while the bot lacks a permission in the target channel; retried when it may be back.
    blocked_code         INTEGER,
    attempts             INTEGER NOT NULL DEFAULT 0,
    CHECK ((channel_id IS NOT NULL) + (user_id IS NOT NULL) + (edit_of IS NOT NULL) = 1),
    CHECK (delivered_at IS NULL OR dropped_at IS NULL)
) STRICT;
CREATE INDEX outbox_pending ON outbox (id) WHERE delivered_at IS NULL AND dropped_at IS NULL;
CREATE INDEX outbox_by_party ON outbox (party_id, kind);

-- Files sent with a row (the wrap-up's chart), in order.
CREATE TABLE outbox_files (
    outbox_id INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    name      TEXT    NOT NULL,
    data      BLOB    NOT NULL,
    PRIMARY KEY (outbox_id, position)
) STRICT, WITHOUT ROWID;

-- A channel where the bot cannot post or edit for a missing permission: the hosts are told once, when
-- it opens; /party show lists the open ones; it is resolved by the next write that goes through there.
CREATE TABLE delivery_problems (
    id          INTEGER PRIMARY KEY,
    party_id    INTEGER NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    channel_id  INTEGER NOT NULL,
    code        INTEGER NOT NULL,
    missing     TEXT    NOT NULL,
    opened_at   TEXT    NOT NULL,
    resolved_at TEXT
) STRICT;
CREATE UNIQUE INDEX delivery_problems_one_open ON delivery_problems (party_id, channel_id)
    WHERE resolved_at IS NULL;

-- Which outbox rows carry a result's announcement and correction (their message ids live there).
ALTER TABLE results ADD COLUMN announce_outbox_id INTEGER REFERENCES outbox (id);
ALTER TABLE results ADD COLUMN correction_outbox_id INTEGER REFERENCES outbox (id);
