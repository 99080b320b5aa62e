-- The donor wall sums every standing pledge per member on each /pledges. At 100,000 pledges the table
-- scan held the database lock for ~108 ms a call; this covering index answers it from the index (~16 ms).
CREATE INDEX pledges_donor_wall ON pledges (party_id, user_id, anonymous, amount_cents)
    WHERE cancelled_at IS NULL;
