-- The big screen: each party's secret link to its live web page (issue "The big screen").
-- One link per party. A reset overwrites the token, so the old link stops working at once: no old token
-- is kept anywhere to be matched. Tokens are made by storage/screens.py (secrets.token_urlsafe, 192 bits).
CREATE TABLE screen_links (
    party_id   INTEGER PRIMARY KEY REFERENCES parties (id),
    token      TEXT    NOT NULL UNIQUE CHECK (length(token) >= 22),
    created_at TEXT    NOT NULL
) STRICT;
