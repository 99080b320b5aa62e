"""Every custom_id the bot puts on a component, named once.

Each persistent component is a DynamicItem matching one of these templates, so a click works after any
restart: whatever it needs is in its custom_id (Discord caps it at 100 characters) and read back from the
database. Messages already posted keep their custom_ids, so a template only ever grows new forms.
"""

from __future__ import annotations

from typing import Literal

# "rsvp:<party id>:<status>": an invitation's Going / Maybe / Can't go.
RSVP_TEMPLATE = r"rsvp:(?P<party_id>[0-9]+):(?P<status>going|maybe|not_going)"
# "pledge:cancel:<pledge id>": cancels one of the caller's unpaid pledges.
CANCEL_PLEDGE_TEMPLATE = r"pledge:cancel:(?P<pledge_id>[0-9]+)"
# "pledge:edit:<pledge id>": opens the form that changes one of the caller's unpaid pledges, and the
# form's own id.
EDIT_PLEDGE_TEMPLATE = r"pledge:edit:(?P<pledge_id>[0-9]+)"
EDIT_FORM_PREFIX = "pledge:edit-form:"
# "log:<party id>:<page>": a page of /party log (hosts only, checked on each click).
LOG_PAGE_TEMPLATE = r"log:(?P<party_id>[0-9]+):(?P<page>[0-9]+)"
# "page:<list>:<party id>:<owner id>:<page to show>:<prev|next>": turns a paged list for whoever asked.
PAGE_TEMPLATE = (
    r"page:(?P<listing>guests|ballot|predictions):(?P<party_id>[0-9]+):(?P<owner_id>[0-9]+)"
    r":(?P<page>[0-9]+):(?P<step>prev|next)"
)

# "predict:<party id>:<category id>:<page>": one category's menu of nominees on a member's ballot page.
PICK_TEMPLATE = r"predict:(?P<party_id>[0-9]+):(?P<category_id>[0-9]+):(?P<page>[0-9]+)"
# "predict-page:<party id>:<page to show>:<prev|next>": turns a member's own ballot.
BALLOT_PAGE_TEMPLATE = r"predict-page:(?P<party_id>[0-9]+):(?P<page>[0-9]+):(?P<step>prev|next)"

Listing = Literal["guests", "ballot", "predictions"]


def rsvp_custom_id(party_id: int, status: str) -> str:
    return f"rsvp:{party_id}:{status}"


def cancel_custom_id(pledge_id: int) -> str:
    return f"pledge:cancel:{pledge_id}"


def edit_custom_id(pledge_id: int) -> str:
    return f"pledge:edit:{pledge_id}"


def log_custom_id(party_id: int, page: int) -> str:
    return f"log:{party_id}:{page}"


def page_custom_id(listing: Listing, party_id: int, owner_id: int, page: int, step: str) -> str:
    return f"page:{listing}:{party_id}:{owner_id}:{page}:{step}"


def pick_custom_id(party_id: int, category_id: int, page: int) -> str:
    return f"predict:{party_id}:{category_id}:{page}"


def ballot_page_custom_id(party_id: int, page: int, step: str) -> str:
    return f"predict-page:{party_id}:{page}:{step}"
