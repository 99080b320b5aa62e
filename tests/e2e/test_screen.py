"""The big screen through the sandbox and an HTTP client: the link, reset, live events, escaping, headers,
a restart of the bot, and a port that is already taken."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import yarl
from conftest import Lounge

from offline.events import EventStream
from offline.runner import PROJECT_DIR
from sandbox import Attachment, DiscordSandbox
from storage.changes import Topic

HOSTILE = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
LINK = re.compile(r"<(http://127\.0\.0\.1:\d+/screen/([A-Za-z0-9_-]+))>")


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None, sock_connect=5)) as session:
        yield session


async def open_party(lounge: Lounge, goal: str = "$1,000") -> None:
    r = await lounge.sb.slash(
        lounge.host, lounge.channel, "party create",
        name="Losers Lounge", charity="Worldwide Orphans", goal=goal,
    )
    assert r.error is None, r.content


async def screen_link(lounge: Lounge, *, reset: bool = False) -> str:
    options = {"reset": True} if reset else {}
    r = await lounge.sb.slash(lounge.host, lounge.channel, "party screen", **options)
    assert r.error is None and r.ephemeral, r.content
    match = LINK.search(r.content)
    assert match, r.content
    return match.group(1)


async def pledge(lounge: Lounge, member_index: int, amount: str, **options: object) -> None:
    r = await lounge.sb.slash(lounge.guests[member_index], lounge.channel, "pledge", amount=amount, **options)
    assert r.error is None and r.content.startswith("Thank you"), r.content


def assert_safe_headers(response: aiohttp.ClientResponse) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


async def test_the_link_shows_the_party_live_and_a_reset_kills_it(
    lounge: Lounge, http: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="aiohttp")
    caplog.set_level(logging.DEBUG, logger="web")
    sb = lounge.sb
    await open_party(lounge)
    r = await sb.slash(lounge.guests[0], lounge.channel, "party screen")
    assert r.ephemeral and "Only the party's hosts" in r.content
    assert await lounge.store.screens.token_of(1) is None

    link = await screen_link(lounge)
    assert link.startswith(lounge.runner.web_url)
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 32  # 24 random bytes: 192 bits
    assert await screen_link(lounge) == link  # asking again shows the same link

    async with http.get(link) as page:
        assert page.status == 200 and page.content_type == "text/html"
        assert_safe_headers(page)
        html = await page.text()
    assert "Losers Lounge" in html and "Worldwide Orphans" in html and "$0" in html
    assert '<script src="/assets/screen.js"' in html and "<script>" not in html and "style=" not in html
    for asset, kind in (("screen.js", "text/javascript"), ("screen.css", "text/css")):
        async with http.get(f"{lounge.runner.web_url}/assets/{asset}") as response:
            assert response.status == 200 and response.content_type == kind
            assert_safe_headers(response)

    async with EventStream(http, link + "/events") as stream:
        first = await stream.next()
        assert first["raised"] == "$0" and first["goal"] == "$1,000" and first["pledges"] == 0
        await pledge(lounge, 0, "$250", note="For the orphans")
        # Committed before the reply: the page has it within a second of the member seeing their thanks.
        shown = await stream.until(lambda s: s["raised"] == "$250", timeout=1.0)
        assert shown["percent"] == 25 and shown["donors"] == 1
        assert shown["newest"] == [{"name": "amy", "amount": "$250", "note": "For the orphans"}]
        assert shown["milestone"] == "50% at $500: $250 to go"
        await pledge(lounge, 1, "$100", anonymous=True)
        shown = await stream.until(lambda s: s["raised"] == "$350", timeout=1.0)
        assert shown["newest"][0] == {"name": None, "amount": "$100", "note": None}
        assert "bob" not in str(shown)

        # Only GET; anything else is 405, and an unknown token looks like any missing page.
        for method in ("POST", "PUT", "DELETE", "HEAD"):
            async with http.request(method, link) as response:
                assert response.status == 405, method
        missing = {}
        for url in (
            f"{lounge.runner.web_url}/screen/{'A' * len(token)}",
            f"{lounge.runner.web_url}/screen/{'A' * len(token)}/events",
            f"{lounge.runner.web_url}/screen/x",
            f"{lounge.runner.web_url}/nothing-here",
        ):
            async with http.get(url) as response:
                assert response.status == 404
                assert_safe_headers(response)
                missing[url] = await response.text()
        assert len(set(missing.values())) <= 2 and all("Losers" not in text for text in missing.values())

        new_link = await screen_link(lounge, reset=True)
        assert new_link != link
        await stream.ends(timeout=2.0)  # the open page on the old link is cut off

    for url in (link, link + "/events"):
        async with http.get(url) as response:
            assert response.status == 404
    async with http.get(new_link + "?overlay=1") as response:
        html = await response.text()
        assert response.status == 200 and 'class="overlay"' in html and "$350" in html
    # No access log: the request line holds the secret.
    assert token not in caplog.text and new_link.rsplit("/", 1)[1] not in caplog.text


async def test_hostile_names_come_out_as_text(lounge: Lounge, http: aiohttp.ClientSession) -> None:
    sb = lounge.sb
    await open_party(lounge)
    villain = sb.add_member(lounge.guild, HOSTILE)
    ballot = f"category,nominee,member_id\nBest Drama,{HOSTILE},\nBest Drama,Nice Show,\n".encode()
    r = await sb.slash(lounge.host, lounge.channel, "category import", file=Attachment("b.csv", ballot))
    assert r.error is None and "1 categor" in r.content, r.content
    # The villain predicts their own show: the announcement below scores it and makes them the leader.
    r = await sb.slash(villain, lounge.channel, "rsvp", status="going")
    assert r.error is None, r.content
    ballot = await sb.slash(villain, lounge.channel, "predict")
    assert ballot.message_record is not None, ballot.text
    [menu] = [c for row in ballot.message_record.components for c in row["components"] if c["type"] == 3]
    [mine] = [o["value"] for o in menu["options"] if "img" in o["label"]]
    r = await sb.select(villain, ballot.message_record, menu["custom_id"], [mine])
    assert r.error is None, r.text
    link = await screen_link(lounge)
    async with EventStream(http, link + "/events") as stream:
        assert (await stream.next())["leader"] is None  # nobody has guessed right yet
        r = await sb.slash(villain, lounge.channel, "pledge", amount="66", note=HOSTILE)
        assert r.error is None, r.content
        categories = await sb.autocomplete(
            lounge.host, lounge.channel, "result announce", focused="category", category="Best", winner=""
        )
        winners = await sb.autocomplete(
            lounge.host, lounge.channel, "result announce", focused="winner",
            category=categories[0]["value"], winner="img",
        )
        r = await sb.slash(
            lounge.host, lounge.channel, "result announce",
            category=categories[0]["value"], winner=winners[0]["value"],
        )
        assert r.error is None, r.content
        shown = await stream.until(lambda s: bool(s["results"]) and s["pledges"] == 1 and bool(s["leader"]))
    assert shown["leader"] == f"{HOSTILE}: 1 of 1 right"
    # In the stream the names are plain data (the page's script only ever sets textContent) ...
    assert shown["newest"][0]["name"] == HOSTILE and shown["newest"][0]["note"] == HOSTILE
    assert shown["results"] == [{"category": "Best Drama", "winner": HOSTILE}]
    assert shown["ratio"] == "losers outnumber winners 1 to 1"
    # ... and in the page's HTML they are escaped.
    async with http.get(link) as response:
        html = await response.text()
    assert HOSTILE not in html and "<img" not in html
    assert html.count(ESCAPED) == 4  # the donor, their note, the winner, the predictions leader


async def test_an_open_page_follows_the_bot_through_a_restart(
    lounge: Lounge, http: aiohttp.ClientSession
) -> None:
    await open_party(lounge)
    link = await screen_link(lounge)
    async with EventStream(http, link + "/events") as stream:
        await stream.next()
        await lounge.runner.restart()
        await stream.ends(timeout=5.0)
    # The browser's EventSource reconnects to the same address; the restarted bot answers on it.
    async with EventStream(http, link + "/events") as stream:
        assert (await stream.next())["raised"] == "$0"
        await pledge(lounge, 2, "$75")
        await stream.until(lambda s: s["raised"] == "$75", timeout=1.0)


async def test_a_taken_port_ends_the_start_with_one_line(sandbox: DiscordSandbox, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**sandbox.env, "DATABASE_PATH": str(tmp_path / "x.db"), "WEB_HOST": "127.0.0.1",
               "WEB_PORT": str(port), "PUBLIC_URL": "", "DEV_GUILD_ID": "", "LOG_LEVEL": "WARNING"}
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(PROJECT_DIR / "bot.py"), cwd=PROJECT_DIR, env={**os.environ, **env},
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await asyncio.wait_for(process.communicate(), 30)
    text = output.decode()
    assert process.returncode == 2, text
    lines = text.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("losers-lounge: "), text
    assert f"port {port}" in lines[0] and "WEB_PORT" in lines[0] and "Traceback" not in text


async def test_a_page_that_stops_reading_is_dropped_and_the_others_keep_up(
    lounge: Lounge, http: aiohttp.ClientSession
) -> None:
    await open_party(lounge)
    link = await screen_link(lounge)
    for n in range(4):
        await pledge(lounge, n, "$1", note=f"{n} " + "long note " * 8)
    party = await lounge.store.parties.open_party(lounge.guild.id)
    assert lounge.runner.bot is not None and lounge.runner.bot.screen is not None
    hub = lounge.runner.bot.screen.hub
    hub.spacing = 0.0  # snapshots as fast as the bot can read them: the stalled page's buffer fills sooner
    url = yarl.URL(link)

    # A client with a tiny receive window that asks for the stream and then never reads a byte.
    stalled = socket.socket()
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
    stalled.setblocking(False)
    loop = asyncio.get_running_loop()
    await loop.sock_connect(stalled, ("127.0.0.1", url.port))
    request = f"GET {url.path}/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
    await loop.sock_sendall(stalled, request.encode())
    try:
        async with EventStream(http, link + "/events") as healthy:
            seen: list[dict] = []

            async def follow() -> None:
                while True:
                    seen.append(await healthy.next(timeout=30))

            reader = asyncio.create_task(follow())
            await lounge.sb.wait_until(lambda: hub.viewer_count == 2, 5, "both pages to connect")
            async with asyncio.timeout(30):
                while hub.viewer_count == 2:
                    lounge.store.database.changes.publish_now(party.id, {Topic.MONEY})
                    await asyncio.sleep(0.002)
            assert hub.viewer_count == 1  # the stalled one went; the healthy page stays
            await pledge(lounge, 0, "$5")
            await lounge.sb.wait_until(
                lambda: bool(seen) and seen[-1]["raised"] == "$9", 2, "the healthy page to show $9"
            )
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
    finally:
        stalled.close()


async def test_ten_pages_share_one_read_per_change(lounge: Lounge, http: aiohttp.ClientSession) -> None:
    await open_party(lounge)
    link = await screen_link(lounge)
    assert lounge.runner.bot is not None and lounge.runner.bot.screen is not None
    hub = lounge.runner.bot.screen.hub
    async with contextlib.AsyncExitStack() as stack:
        pages = [await stack.enter_async_context(EventStream(http, link + "/events")) for _ in range(10)]
        for page in pages:
            assert (await page.next())["raised"] == "$0"
        opened = hub.snapshots_read
        assert opened <= 2  # the pages that opened while the first read ran were given its result
        await pledge(lounge, 0, "$20")
        for page in pages:
            await page.until(lambda s: s["raised"] == "$20", timeout=1.0)
        assert hub.snapshots_read == opened + 1
