-- Aggregates kept in step with every write (issue "Speed that holds"): what the counter, the donor wall
-- and /party show read, so that no read walks every pledge of the night. Triggers keep them, so every
-- write path (pledge, cancel, void, amount edit, payment, payment void, and any written later) updates
-- them in its own transaction without knowing they exist. A pledge counts while
-- `cancelled_at IS NULL AND voided_at IS NULL`, a payment while `voided_at IS NULL`.

-- One row per party: its totals. Created with the party (trigger below) and by the backfill.
CREATE TABLE party_money (
    party_id       INTEGER PRIMARY KEY REFERENCES parties (id) ON DELETE CASCADE,
    pledged_cents  INTEGER NOT NULL DEFAULT 0,
    pledge_count   INTEGER NOT NULL DEFAULT 0,
    -- members with at least one counting pledge
    donor_count    INTEGER NOT NULL DEFAULT 0,
    -- rows of wall_lines: a donor's named and anonymous pledges are two lines of the wall
    line_count     INTEGER NOT NULL DEFAULT 0,
    received_cents INTEGER NOT NULL DEFAULT 0
) STRICT;

-- One row per member who ever pledged or paid in the party. display_name is the name of their newest
-- pledge (cancelled or not), the name the wall shows.
CREATE TABLE member_money (
    party_id       INTEGER NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL,
    display_name   TEXT,
    pledged_cents  INTEGER NOT NULL DEFAULT 0,
    pledge_count   INTEGER NOT NULL DEFAULT 0,
    received_cents INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (party_id, user_id)
) STRICT, WITHOUT ROWID;

-- The donor wall's lines: a member's counting pledges, named or anonymous, and the id of the first one
-- (ties on the wall go to who pledged first). A line with no counting pledge is deleted.
CREATE TABLE wall_lines (
    party_id        INTEGER NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL,
    anonymous       INTEGER NOT NULL,
    total_cents     INTEGER NOT NULL,
    pledge_count    INTEGER NOT NULL,
    first_pledge_id INTEGER NOT NULL,
    PRIMARY KEY (party_id, user_id, anonymous)
) STRICT, WITHOUT ROWID;
-- The wall's top lines in order, read without sorting.
CREATE INDEX wall_lines_ranked ON wall_lines (party_id, total_cents DESC, first_pledge_id);

-- The counter's newest pledges, read from the end of this index and stopping after a few. The covering
-- index of 0002 served the sums the aggregates now answer; dropping it keeps pledge inserts as cheap.
DROP INDEX pledges_donor_wall;
CREATE INDEX pledges_live_newest ON pledges (party_id, id) WHERE cancelled_at IS NULL AND voided_at IS NULL;

-- Backfill from what is stored.
INSERT INTO party_money (party_id) SELECT id FROM parties;
INSERT INTO member_money (party_id, user_id)
    SELECT party_id, user_id FROM pledges UNION SELECT party_id, user_id FROM payments;
UPDATE member_money SET
    display_name = (SELECT display_name FROM pledges AS p
                    WHERE p.party_id = member_money.party_id AND p.user_id = member_money.user_id
                    ORDER BY p.id DESC LIMIT 1),
    pledged_cents = (SELECT coalesce(sum(amount_cents), 0) FROM pledges AS p
                     WHERE p.party_id = member_money.party_id AND p.user_id = member_money.user_id
                       AND p.cancelled_at IS NULL AND p.voided_at IS NULL),
    pledge_count = (SELECT count(*) FROM pledges AS p
                    WHERE p.party_id = member_money.party_id AND p.user_id = member_money.user_id
                      AND p.cancelled_at IS NULL AND p.voided_at IS NULL),
    received_cents = (SELECT coalesce(sum(amount_cents), 0) FROM payments AS y
                      WHERE y.party_id = member_money.party_id AND y.user_id = member_money.user_id
                        AND y.voided_at IS NULL);
INSERT INTO wall_lines (party_id, user_id, anonymous, total_cents, pledge_count, first_pledge_id)
    SELECT party_id, user_id, anonymous, sum(amount_cents), count(*), min(id) FROM pledges
    WHERE cancelled_at IS NULL AND voided_at IS NULL
    GROUP BY party_id, user_id, anonymous;
UPDATE party_money SET
    pledged_cents = (SELECT coalesce(sum(pledged_cents), 0) FROM member_money AS m
                     WHERE m.party_id = party_money.party_id),
    pledge_count = (SELECT coalesce(sum(pledge_count), 0) FROM member_money AS m
                    WHERE m.party_id = party_money.party_id),
    donor_count = (SELECT count(*) FROM member_money AS m
                   WHERE m.party_id = party_money.party_id AND m.pledge_count > 0),
    line_count = (SELECT count(*) FROM wall_lines AS w WHERE w.party_id = party_money.party_id),
    received_cents = (SELECT coalesce(sum(received_cents), 0) FROM member_money AS m
                      WHERE m.party_id = party_money.party_id);

CREATE TRIGGER parties_money_row AFTER INSERT ON parties
BEGIN
    INSERT INTO party_money (party_id) VALUES (NEW.id);
END;

-- A pledge's part in the aggregates is added when it starts counting and taken away when it stops; an
-- UPDATE takes the old row's part away and adds the new row's, which covers cancels, voids, amount edits
-- and anything else that changes what counts. The subqueries on pledge_count = 1 (or 0) say whether the
-- member or the line just started (or stopped) counting.

CREATE TRIGGER pledges_money_insert AFTER INSERT ON pledges
BEGIN
    INSERT INTO member_money (party_id, user_id, display_name) VALUES (NEW.party_id, NEW.user_id, NEW.display_name)
        ON CONFLICT (party_id, user_id) DO UPDATE SET display_name = excluded.display_name;
    UPDATE member_money SET pledged_cents = pledged_cents + NEW.amount_cents, pledge_count = pledge_count + 1
        WHERE party_id = NEW.party_id AND user_id = NEW.user_id
          AND NEW.cancelled_at IS NULL AND NEW.voided_at IS NULL;
    INSERT INTO wall_lines (party_id, user_id, anonymous, total_cents, pledge_count, first_pledge_id)
        SELECT NEW.party_id, NEW.user_id, NEW.anonymous, NEW.amount_cents, 1, NEW.id
        WHERE NEW.cancelled_at IS NULL AND NEW.voided_at IS NULL
        ON CONFLICT (party_id, user_id, anonymous) DO UPDATE SET
            total_cents = total_cents + excluded.total_cents, pledge_count = pledge_count + 1,
            first_pledge_id = min(first_pledge_id, excluded.first_pledge_id);
    UPDATE party_money SET
        pledged_cents = pledged_cents + NEW.amount_cents, pledge_count = pledge_count + 1,
        donor_count = donor_count + coalesce((SELECT pledge_count = 1 FROM member_money
                                              WHERE party_id = NEW.party_id AND user_id = NEW.user_id), 0),
        line_count = line_count + coalesce((SELECT pledge_count = 1 FROM wall_lines
                                            WHERE party_id = NEW.party_id AND user_id = NEW.user_id
                                              AND anonymous = NEW.anonymous), 0)
        WHERE party_id = NEW.party_id AND NEW.cancelled_at IS NULL AND NEW.voided_at IS NULL;
END;

CREATE TRIGGER pledges_money_update
AFTER UPDATE OF party_id, user_id, amount_cents, anonymous, cancelled_at, voided_at ON pledges
BEGIN
    -- Take the old row's part away.
    UPDATE member_money SET pledged_cents = pledged_cents - OLD.amount_cents, pledge_count = pledge_count - 1
        WHERE party_id = OLD.party_id AND user_id = OLD.user_id
          AND OLD.cancelled_at IS NULL AND OLD.voided_at IS NULL;
    UPDATE wall_lines SET total_cents = total_cents - OLD.amount_cents, pledge_count = pledge_count - 1
        WHERE party_id = OLD.party_id AND user_id = OLD.user_id AND anonymous = OLD.anonymous
          AND OLD.cancelled_at IS NULL AND OLD.voided_at IS NULL;
    UPDATE party_money SET
        pledged_cents = pledged_cents - OLD.amount_cents, pledge_count = pledge_count - 1,
        donor_count = donor_count - coalesce((SELECT pledge_count = 0 FROM member_money
                                              WHERE party_id = OLD.party_id AND user_id = OLD.user_id), 0),
        line_count = line_count - coalesce((SELECT pledge_count = 0 FROM wall_lines
                                            WHERE party_id = OLD.party_id AND user_id = OLD.user_id
                                              AND anonymous = OLD.anonymous), 0)
        WHERE party_id = OLD.party_id AND OLD.cancelled_at IS NULL AND OLD.voided_at IS NULL;
    DELETE FROM wall_lines
        WHERE party_id = OLD.party_id AND user_id = OLD.user_id AND anonymous = OLD.anonymous
          AND pledge_count = 0;
    -- The line's first pledge stopped counting: the next one (through pledges_by_member, so bounded by
    -- the member's own pledges) takes its place.
    UPDATE wall_lines SET first_pledge_id = (
            SELECT min(id) FROM pledges
            WHERE party_id = OLD.party_id AND user_id = OLD.user_id AND anonymous = OLD.anonymous
              AND cancelled_at IS NULL AND voided_at IS NULL)
        WHERE party_id = OLD.party_id AND user_id = OLD.user_id AND anonymous = OLD.anonymous
          AND first_pledge_id = OLD.id;
    -- Add the new row's part.
    INSERT INTO member_money (party_id, user_id, display_name) VALUES (NEW.party_id, NEW.user_id, NEW.display_name)
        ON CONFLICT (party_id, user_id) DO NOTHING;
    UPDATE member_money SET pledged_cents = pledged_cents + NEW.amount_cents, pledge_count = pledge_count + 1
        WHERE party_id = NEW.party_id AND user_id = NEW.user_id
          AND NEW.cancelled_at IS NULL AND NEW.voided_at IS NULL;
    INSERT INTO wall_lines (party_id, user_id, anonymous, total_cents, pledge_count, first_pledge_id)
        SELECT NEW.party_id, NEW.user_id, NEW.anonymous, NEW.amount_cents, 1, NEW.id
        WHERE NEW.cancelled_at IS NULL AND NEW.voided_at IS NULL
        ON CONFLICT (party_id, user_id, anonymous) DO UPDATE SET
            total_cents = total_cents + excluded.total_cents, pledge_count = pledge_count + 1,
            first_pledge_id = min(first_pledge_id, excluded.first_pledge_id);
    UPDATE party_money SET
        pledged_cents = pledged_cents + NEW.amount_cents, pledge_count = pledge_count + 1,
        donor_count = donor_count + coalesce((SELECT pledge_count = 1 FROM member_money
                                              WHERE party_id = NEW.party_id AND user_id = NEW.user_id), 0),
        line_count = line_count + coalesce((SELECT pledge_count = 1 FROM wall_lines
                                            WHERE party_id = NEW.party_id AND user_id = NEW.user_id
                                              AND anonymous = NEW.anonymous), 0)
        WHERE party_id = NEW.party_id AND NEW.cancelled_at IS NULL AND NEW.voided_at IS NULL;
END;

-- The wall shows the name of the member's newest pledge: keep it if a name is corrected.
CREATE TRIGGER pledges_money_name AFTER UPDATE OF display_name, party_id, user_id ON pledges
BEGIN
    UPDATE member_money SET display_name = (
            SELECT display_name FROM pledges
            WHERE party_id = member_money.party_id AND user_id = member_money.user_id
            ORDER BY id DESC LIMIT 1)
        WHERE (party_id = NEW.party_id AND user_id = NEW.user_id)
           OR (party_id = OLD.party_id AND user_id = OLD.user_id);
END;

CREATE TRIGGER pledges_money_delete AFTER DELETE ON pledges
BEGIN
    UPDATE member_money SET pledged_cents = pledged_cents - OLD.amount_cents, pledge_count = pledge_count - 1
        WHERE party_id = OLD.party_id AND user_id = OLD.user_id
          AND OLD.cancelled_at IS NULL AND OLD.voided_at IS NULL;
    UPDATE wall_lines SET total_cents = total_cents - OLD.amount_cents, pledge_count = pledge_count - 1
        WHERE party_id = OLD.party_id AND user_id = OLD.user_id AND anonymous = OLD.anonymous
          AND OLD.cancelled_at IS NULL AND OLD.voided_at IS NULL;
    UPDATE party_money SET
        pledged_cents = pledged_cents - OLD.amount_cents, pledge_count = pledge_count - 1,
        donor_count = donor_count - coalesce((SELECT pledge_count = 0 FROM member_money
                                              WHERE party_id = OLD.party_id AND user_id = OLD.user_id), 0),
        line_count = line_count - coalesce((SELECT pledge_count = 0 FROM wall_lines
                                            WHERE party_id = OLD.party_id AND user_id = OLD.user_id
                                              AND anonymous = OLD.anonymous), 0)
        WHERE party_id = OLD.party_id AND OLD.cancelled_at IS NULL AND OLD.voided_at IS NULL;
    DELETE FROM wall_lines
        WHERE party_id = OLD.party_id AND user_id = OLD.user_id AND anonymous = OLD.anonymous
          AND pledge_count = 0;
    UPDATE wall_lines SET first_pledge_id = (
            SELECT min(id) FROM pledges
            WHERE party_id = OLD.party_id AND user_id = OLD.user_id AND anonymous = OLD.anonymous
              AND cancelled_at IS NULL AND voided_at IS NULL)
        WHERE party_id = OLD.party_id AND user_id = OLD.user_id AND anonymous = OLD.anonymous
          AND first_pledge_id = OLD.id;
END;

CREATE TRIGGER payments_money_insert AFTER INSERT ON payments WHEN NEW.voided_at IS NULL
BEGIN
    INSERT INTO member_money (party_id, user_id, received_cents) VALUES (NEW.party_id, NEW.user_id, NEW.amount_cents)
        ON CONFLICT (party_id, user_id) DO UPDATE SET received_cents = received_cents + excluded.received_cents;
    UPDATE party_money SET received_cents = received_cents + NEW.amount_cents WHERE party_id = NEW.party_id;
END;

CREATE TRIGGER payments_money_update AFTER UPDATE OF party_id, user_id, amount_cents, voided_at ON payments
BEGIN
    UPDATE member_money SET received_cents = received_cents - OLD.amount_cents
        WHERE party_id = OLD.party_id AND user_id = OLD.user_id AND OLD.voided_at IS NULL;
    UPDATE party_money SET received_cents = received_cents - OLD.amount_cents
        WHERE party_id = OLD.party_id AND OLD.voided_at IS NULL;
    INSERT INTO member_money (party_id, user_id, received_cents)
        SELECT NEW.party_id, NEW.user_id, NEW.amount_cents WHERE NEW.voided_at IS NULL
        ON CONFLICT (party_id, user_id) DO UPDATE SET received_cents = received_cents + excluded.received_cents;
    UPDATE party_money SET received_cents = received_cents + NEW.amount_cents
        WHERE party_id = NEW.party_id AND NEW.voided_at IS NULL;
END;

CREATE TRIGGER payments_money_delete AFTER DELETE ON payments WHEN OLD.voided_at IS NULL
BEGIN
    UPDATE member_money SET received_cents = received_cents - OLD.amount_cents
        WHERE party_id = OLD.party_id AND user_id = OLD.user_id;
    UPDATE party_money SET received_cents = received_cents - OLD.amount_cents WHERE party_id = OLD.party_id;
END;
