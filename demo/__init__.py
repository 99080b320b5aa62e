"""`make demo`: a Losers Lounge night played offline, with the real bot, against the local sandbox."""
