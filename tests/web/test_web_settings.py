"""WEB_HOST, WEB_PORT and PUBLIC_URL: defaults, `off`, and one clear line for a wrong value."""

from __future__ import annotations

from pathlib import Path

import pytest

from lounge.settings import SettingsError, WebSettings, load_settings


def web(tmp_path: Path, **environ: str) -> WebSettings | None:
    return load_settings(environ, env_file=tmp_path / "none.env").web


def test_the_screen_listens_on_loopback_8080_by_default(tmp_path: Path) -> None:
    assert web(tmp_path) == WebSettings(host="127.0.0.1", port=8080, public_url=None)


def test_off_turns_the_screen_off_and_a_proxy_address_loses_its_slash(tmp_path: Path) -> None:
    assert web(tmp_path, WEB_PORT="off") is None
    assert web(tmp_path, WEB_PORT="OFF") is None
    assert web(tmp_path, WEB_HOST="0.0.0.0", WEB_PORT="0", PUBLIC_URL="https://tv.example.org/") == (
        WebSettings(host="0.0.0.0", port=0, public_url="https://tv.example.org")
    )


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("WEB_PORT", "eighty", "WEB_PORT must be a port number"),
        ("WEB_PORT", "70000", "WEB_PORT must be a port number"),
        ("WEB_PORT", "-1", "WEB_PORT must be a port number"),
        ("PUBLIC_URL", "tv.example.org", "PUBLIC_URL must start with http"),
    ],
)
def test_a_wrong_value_is_one_clear_sentence(tmp_path: Path, name: str, value: str, said: str) -> None:
    with pytest.raises(SettingsError, match=said):
        web(tmp_path, **{name: value})
