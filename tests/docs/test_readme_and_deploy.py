"""The README a newcomer follows, the systemd unit and the licence say what the code does."""

from __future__ import annotations

import configparser
import re

from lounge.client import BOT_PERMISSIONS, INVITE_SCOPES
from lounge.settings import SETTINGS_HELP
from offline.runner import PROJECT_DIR

README = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.MULTILINE | re.DOTALL)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def test_the_quick_start_is_numbered_and_starts_from_the_example_settings() -> None:
    steps = re.findall(r"^(\d+)\. ", section("Quick start"), re.MULTILINE)
    assert steps == [str(n) for n in range(1, len(steps) + 1)] and len(steps) >= 5
    assert "`cp .env.example .env`" in section("Quick start")


def test_two_commands_still_names_run_and_test() -> None:
    # CI reads the test command from this section.
    block = section("Two commands")
    assert "make run" in block and "make test" in block


def test_every_operations_section_is_there() -> None:
    for title in (
        "Hosting: keeping it running all night", "Backups and restore", "Upgrading", "Troubleshooting",
        "Privacy", "License",
    ):
        assert section(title).strip()
    trouble = section("Troubleshooting")
    for symptom in ("don't show up", "The application did not respond", "Missing permissions"):
        assert symptom in trouble


def test_who_is_a_host_is_said_once() -> None:
    assert " ".join(README.split()).count("are checked by the bot itself") == 1


def test_the_permission_integer_and_scopes_match_the_invite_the_bot_logs() -> None:
    assert f"**{BOT_PERMISSIONS.value}**" in section("Creating the Discord application")
    assert all(f"`{scope}`" in README for scope in INVITE_SCOPES)


def test_every_setting_is_documented_in_the_readme_and_the_example() -> None:
    example = (PROJECT_DIR / ".env.example").read_text(encoding="utf-8")
    for name, _ in SETTINGS_HELP:
        assert f"`{name}`" in section("Settings")
        assert f"\n{name}=" in example


def test_the_systemd_unit_restarts_on_failure_and_stops_with_sigterm() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment]
    unit.read(PROJECT_DIR / "deploy" / "losers-lounge.service", encoding="utf-8")
    service = unit["Service"]
    assert service["ExecStart"].endswith("python bot.py")
    assert service["ExecStartPre"].endswith("python bot.py --check")
    assert service["Restart"] == "on-failure"
    assert service["KillSignal"] == "SIGTERM"
    assert unit["Install"]["WantedBy"] == "multi-user.target"
    assert "deploy/losers-lounge.service" in section("Hosting: keeping it running all night")


def test_the_licence_is_mit() -> None:
    assert (PROJECT_DIR / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
