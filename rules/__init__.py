"""Pure rules of Losers Lounge: parsing and checking what users type.

Nothing here talks to Discord or the database, so every rule can be tested on its own.
"""

from rules.refusal import Refusal

__all__ = ["Refusal"]
