"""The screen's HTML: the party as it stands when the page is opened, every value escaped here.

The script (static/screen.js) then keeps the same elements current from the event stream with
textContent only. The markup carries no inline script or style, so the Content-Security-Policy can
forbid both.
"""

from __future__ import annotations

from html import escape

from web.snapshot import Snapshot

ANONYMOUS = "Anonymous"


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _pledge_items(snapshot: Snapshot) -> str:
    items = []
    for pledge in snapshot.newest:
        note = f'<span class="note">{_e(pledge.note)}</span>' if pledge.note else ""
        items.append(
            f'<li><span class="amount">{_e(pledge.amount)}</span>'
            f'<span class="who">{_e(pledge.name or ANONYMOUS)}</span>{note}</li>'
        )
    return "".join(items)


def _result_items(snapshot: Snapshot) -> str:
    return "".join(
        f'<li><span class="winner">{_e(r.winner)}</span><span class="category">{_e(r.category)}</span></li>'
        for r in snapshot.results
    )


def _hidden(condition: bool) -> str:
    return " hidden" if condition else ""


def render_page(snapshot: Snapshot, *, overlay: bool) -> str:
    s = snapshot
    goal = f"of {s.goal} goal" if s.goal else ""
    percent = f"{s.percent}%" if s.percent is not None else ""
    return f"""<!DOCTYPE html>
<html lang="en" class="{'overlay' if overlay else 'room'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{_e(s.name)}: live</title>
<link rel="icon" href="/assets/favicon.svg">
<link rel="stylesheet" href="/assets/screen.css">
<script src="/assets/screen.js" defer></script>
</head>
<body>
<main>
<header>
<h1 id="name">{_e(s.name)}</h1>
<p id="charity"{_hidden(not s.charity)}>{_e(s.charity or "")}</p>
<p id="status" class="status"{_hidden(not s.closed)}>{"The night is over. Thank you!" if s.closed else ""}</p>
</header>
<section class="money">
<p class="raised"><span id="raised">{_e(s.raised)}</span> <span class="label">raised</span></p>
<div id="bar" class="bar"{_hidden(s.goal is None)}>
<div id="fill" class="fill" data-fill="{s.fill:.4f}"></div></div>
<p class="goal"><span id="percent">{_e(percent)}</span> <span id="goal">{_e(goal)}</span></p>
<dl class="figures">
<div><dt>Received</dt><dd id="received">{_e(s.received)}</dd></div>
<div><dt>Donors</dt><dd id="donors">{s.donors:,}</dd></div>
<div><dt>Pledges</dt><dd id="pledges">{s.pledges:,}</dd></div>
</dl>
<p class="milestone" id="milestone-box"{_hidden(s.milestone is None)}>
Next: <span id="milestone">{_e(s.milestone or "")}</span></p>
</section>
<section class="side">
<h2>Newest pledges</h2>
<ul id="newest" class="newest">{_pledge_items(s)}</ul>
<h2>Latest results</h2>
<p class="ratio" id="ratio">{_e(s.ratio)}</p>
<p class="announced"><span id="announced">{s.announced} of {s.categories}</span> categories announced</p>
<ul id="results" class="results">{_result_items(s)}</ul>
<div id="leader-box" class="leader"{_hidden(s.leader is None)}>
<h2>Predictions leader</h2><p id="leader">{_e(s.leader or "")}</p></div>
</section>
</main>
<p id="offline" class="offline" hidden>Reconnecting…</p>
</body>
</html>
"""
