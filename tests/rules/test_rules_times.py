from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules import Refusal
from rules.times import DEFAULT_TIMEZONE, discord_timestamp, parse_end, parse_start, parse_timezone

LA = ZoneInfo("America/Los_Angeles")


# --- time zones ---


def test_timezone_exact_name():
    assert parse_timezone("America/Los_Angeles") == LA


@pytest.mark.parametrize("name", ["america/los_angeles", "AMERICA/LOS_ANGELES", " America/Los Angeles "])
def test_timezone_is_forgiving_about_case_and_spaces(name):
    assert parse_timezone(name).key == "America/Los_Angeles"


@pytest.mark.parametrize("name", [None, "", "   "])
def test_timezone_defaults_to_utc(name):
    assert parse_timezone(name).key == DEFAULT_TIMEZONE == "UTC"


@pytest.mark.parametrize(
    "name",
    [
        "Mars/Olympus",
        "../etc/passwd",
        "/etc/localtime",
        "America",
        "America/",
        "PST8PDT/..",
        "x" * 2_000,
        "America\\Los_Angeles",
        "\x00",
    ],
)
def test_unknown_timezone_is_refused_with_an_example(name):
    with pytest.raises(Refusal, match="America/Los_Angeles") as caught:
        parse_timezone(name)
    assert len(str(caught.value)) < 200


@given(st.text())
def test_parse_timezone_only_refuses(name):
    try:
        zone = parse_timezone(name)
    except Refusal:
        return
    assert zone.key


# --- start ---


def test_emmys_start():
    start = parse_start("2013-09-22 20:00", LA)
    assert start == datetime(2013, 9, 23, 3, 0, tzinfo=UTC)
    assert start.tzinfo is UTC


def test_start_with_one_digit_hour():
    assert parse_start("2013-09-22 8:05", LA) == datetime(2013, 9, 22, 15, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "tomorrow",
        "2013-13-01 20:00",
        "2013-02-30 20:00",
        "2013-09-22 24:00",
        "2013-09-22 20:60",
        "8pm",
        "2013-09-22T20:00",
        "2013-09-22",
        "20:00",
        "2013-9-22 20:00",
        "22/09/2013 20:00",
        "2013-09-22 8pm",
        "2013-09-22 20:00:00",
        "1969-12-31 23:00",
        "3000-01-01 00:00",
        "２０１３-09-22 20:00",
        "",
        "@everyone",
    ],
)
def test_bad_start_is_refused_with_the_form(text):
    with pytest.raises(Refusal) as caught:
        parse_start(text, LA)
    message = str(caught.value)
    assert "YYYY-MM-DD HH:MM" in message or "year from 1970" in message
    assert "@everyone" not in message


def test_start_in_spring_forward_gap_is_refused():
    with pytest.raises(Refusal, match="doesn't exist in America/Los_Angeles"):
        parse_start("2024-03-10 02:30", LA)


def test_ambiguous_start_takes_the_first_occurrence():
    # 01:30 happens twice on 2024-11-03 in Los Angeles: first in PDT (UTC-7), then in PST (UTC-8).
    assert parse_start("2024-11-03 01:30", LA) == datetime(2024, 11, 3, 8, 30, tzinfo=UTC)


@given(st.text())
def test_parse_start_only_refuses(text):
    try:
        moment = parse_start(text, LA)
    except Refusal:
        return
    assert moment.tzinfo is UTC


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2999, 12, 30)))
def test_parse_start_reads_any_well_formed_time(local):
    try:
        moment = parse_start(local.strftime("%Y-%m-%d %H:%M"), LA)
    except Refusal as refusal:
        assert "doesn't exist" in str(refusal)
        return
    assert moment.astimezone(LA).replace(tzinfo=None) == local.replace(second=0, microsecond=0)


# --- end ---


def test_emmys_end_runs_past_midnight():
    start = parse_start("2013-09-22 20:00", LA)
    end = parse_end("01:30", start, LA)
    assert end.astimezone(LA).replace(tzinfo=None) == datetime(2013, 9, 23, 1, 30)
    assert end == datetime(2013, 9, 23, 8, 30, tzinfo=UTC)


def test_end_later_the_same_evening():
    start = parse_start("2013-09-22 20:00", LA)
    assert parse_end("23:00", start, LA) == datetime(2013, 9, 23, 6, 0, tzinfo=UTC)


def test_end_equal_to_start_means_the_next_day():
    start = parse_start("2013-09-22 20:00", LA)
    assert parse_end("20:00", start, LA) == start + timedelta(days=1)


def test_end_as_full_date_time():
    start = parse_start("2013-09-22 20:00", LA)
    assert parse_end("2013-09-23 01:30", start, LA) == datetime(2013, 9, 23, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2013-09-22 20:00", "2013-09-22 19:00", "2012-01-01 00:00"])
def test_full_end_not_after_start_is_refused(text):
    start = parse_start("2013-09-22 20:00", LA)
    with pytest.raises(Refusal, match="has to be after the start, 2013-09-22 20:00"):
        parse_end(text, start, LA)


@pytest.mark.parametrize("text", ["tomorrow", "24:00", "1:30am", "8pm", "0130", "01:30:00", "", "25:00"])
def test_bad_end_is_refused_with_the_forms(text):
    start = parse_start("2013-09-22 20:00", LA)
    with pytest.raises(Refusal, match="HH:MM or YYYY-MM-DD HH:MM"):
        parse_end(text, start, LA)


def test_end_after_midnight_into_a_dst_gap_is_refused():
    start = parse_start("2024-03-09 22:00", LA)
    with pytest.raises(Refusal, match="doesn't exist"):
        parse_end("02:30", start, LA)


def test_end_in_gap_hour_on_the_start_day_is_not_checked_when_it_means_the_next_day():
    # Starting after the gap, "02:30" means tomorrow, which exists.
    start = parse_start("2024-03-10 04:00", LA)
    assert parse_end("02:30", start, LA).astimezone(LA).replace(tzinfo=None) == datetime(2024, 3, 11, 2, 30)


def test_end_across_fall_back_is_measured_in_real_time():
    start = parse_start("2024-11-02 22:00", LA)
    end = parse_end("02:00", start, LA)
    # Four wall-clock hours, five real ones: the clocks went back at 02:00 PDT.
    assert end - start == timedelta(hours=5)


def test_end_of_the_last_allowed_year_does_not_overflow():
    start = parse_start("2999-12-31 23:00", LA)
    assert parse_end("01:00", start, LA) > start


@given(st.text())
def test_parse_end_only_refuses(text):
    start = parse_start("2013-09-22 20:00", LA)
    try:
        end = parse_end(text, start, LA)
    except Refusal:
        return
    assert end > start


# --- Discord timestamps ---


def test_discord_timestamp():
    moment = datetime(2013, 9, 23, 0, 0, tzinfo=UTC)
    assert discord_timestamp(moment) == "<t:1379894400:F>"
    assert discord_timestamp(moment, "R") == "<t:1379894400:R>"


def test_discord_timestamp_is_the_same_instant_in_any_zone():
    moment = datetime(2013, 9, 23, 0, 0, tzinfo=UTC)
    assert discord_timestamp(moment.astimezone(LA), "t") == "<t:1379894400:t>"


@pytest.mark.parametrize("style", ["x", "", "FF", "ff"])
def test_discord_timestamp_unknown_style_is_a_programming_error(style):
    with pytest.raises(ValueError, match="style"):
        discord_timestamp(datetime(2013, 9, 23, tzinfo=UTC), style)


def test_discord_timestamp_needs_an_aware_datetime():
    with pytest.raises(ValueError, match="aware"):
        discord_timestamp(datetime(2013, 9, 23))
