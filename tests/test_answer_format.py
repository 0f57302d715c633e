"""What answers and search hits read like: chips named by source and time, no word cut in half, matches marked."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from mirix_app.gui.memory_views import citation_label, short_when
from mirix_app.gui.search_build import search_result
from stores.memory_store import SearchHit
from ui.text_fit import elide_words

NOW = datetime(2026, 3, 6, 18, 0).astimezone()  # a Friday


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (NOW - timedelta(days=3, hours=3, minutes=58), "Tue 14:02"),
        (NOW - timedelta(days=40), "25 Jan 18:00"),
        (datetime(2023, 5, 8, 13, 56).astimezone(), "8 May 2023"),
    ],
)
def test_chip_time_is_short_and_local(moment, shown):
    assert short_when(moment.isoformat(), NOW) == shown


def test_a_chip_says_where_and_when():
    tuesday = (NOW - timedelta(days=3, hours=3, minutes=58)).isoformat()
    assert citation_label({"type": "observation", "origin": "Slack", "time": tuesday}, NOW) == "Slack, Tue 14:02"
    assert citation_label({"type": "semantic", "origin": "", "time": None}, NOW) == "Fact"


@pytest.mark.parametrize("limit", range(8, 60, 3))
def test_eliding_never_cuts_a_word(limit):
    text = "Booked a pottery class for Saturday at Clay Studio in Lisbon, near the river"
    short = elide_words(text, limit)
    assert len(short) <= limit
    words = short.rstrip("…").split()
    assert words == text.split()[: len(words)] or (len(words) == 1 and len(text.split()[0]) >= limit)


def test_a_detail_only_word_is_shown_and_marked_in_a_snippet():
    details = "Gate B12 at Berlin airport. " * 8 + "TAP flight TP541 landing in Lisbon at 18:40."
    record = {"id": "e1", "summary": "Flight booked for the team offsite", "details": details}
    hit = SearchHit("episodic", "e1", 1.0, f"{record['summary']} — {details[:300]}", [], "2026-03-03T14:02:00", [])
    row = search_result(hit, record, "Lisbon")
    assert "Lisbon" not in row.title_html, "the title shows the summary, the detail is further in"
    assert '">Lisbon</span>' in row.snippet_html and not row.by_meaning
    paraphrase = search_result(hit, record, "plane trip")
    assert paraphrase.by_meaning and paraphrase.snippet_html == ""
