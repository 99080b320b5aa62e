-- Reminders and the Discord scheduled event (issue "Before the night").

-- The guild's Discord scheduled event that mirrors a party, when the bot could make one (it needs
-- Manage Events). No row: the party has no event, and /party show says how to get one.
CREATE TABLE scheduled_events (
    party_id   INTEGER PRIMARY KEY REFERENCES parties (id) ON DELETE CASCADE,
    event_id   INTEGER NOT NULL UNIQUE,
    created_at TEXT    NOT NULL
) STRICT;

-- When a party's reminders go out, in minutes before the start, largest first ("1440,60"); the empty
-- text means reminders are off. A party without a row has the default, 24 hours and 1 hour.
-- Not enforced: at most 3 values, each 1 minute to 14 days (rules/reminders.py decides).
CREATE TABLE reminder_settings (
    party_id       INTEGER PRIMARY KEY REFERENCES parties (id) ON DELETE CASCADE,
    minutes_before TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
) STRICT;

-- Every planned reminder. A row is decided once (sent, skipped or cancelled) in the transaction that
-- enqueues its messages, so a restart neither repeats it nor loses it. Re-planning (the start moved,
-- the settings changed) deletes the undecided rows and plans anew; decided rows are history.
CREATE TABLE reminders (
    id             INTEGER PRIMARY KEY,
    party_id       INTEGER NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    minutes_before INTEGER NOT NULL CHECK (minutes_before > 0),
    starts_at      TEXT    NOT NULL,
    due_at         TEXT    NOT NULL,
    decided_at     TEXT,
    outcome        TEXT    CHECK (outcome IN ('sent', 'skipped', 'cancelled')),
    recipients     INTEGER,
    CHECK ((decided_at IS NULL) = (outcome IS NULL))
) STRICT;
CREATE INDEX reminders_undecided ON reminders (due_at) WHERE decided_at IS NULL;
CREATE INDEX reminders_by_party ON reminders (party_id, id);

-- Members who asked for no reminder DMs about a party (/rsvp reminders:false, or the DM's button).
CREATE TABLE reminder_optouts (
    party_id      INTEGER NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL,
    opted_out_at  TEXT    NOT NULL,
    PRIMARY KEY (party_id, user_id)
) STRICT, WITHOUT ROWID;

-- Winners told at close that they still owe: once per member per party, even if it is reopened and
-- closed again.
CREATE TABLE dues_reminders (
    party_id     INTEGER NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    amount_cents INTEGER NOT NULL,
    decided_at   TEXT    NOT NULL,
    PRIMARY KEY (party_id, user_id)
) STRICT, WITHOUT ROWID;
-- Parties closed before this feature are not reminded of anything now.
INSERT INTO dues_reminders (party_id, user_id, amount_cents, decided_at)
    SELECT d.party_id, d.user_id, d.amount_cents, p.closed_at FROM dues d JOIN parties p ON p.id = d.party_id
    WHERE p.closed_at IS NOT NULL AND d.status = 'owed';

-- Buttons on an outbox message (a reminder DM's "Stop reminders"): JSON list of component payloads.
ALTER TABLE outbox ADD COLUMN buttons TEXT NOT NULL DEFAULT '[]';
