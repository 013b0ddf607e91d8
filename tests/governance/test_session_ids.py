"""The id a session carries (governance.auth.sessions): plain rules, tested directly."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from governance.auth.sessions import SessionId

DAY = 86400.0
MAX_AGE = 30 * DAY
NOW = 1_800_000_000.0
ids = st.builds(
    SessionId, st.integers(1, 2**31 - 1), st.integers(1, 10**9), st.integers(1, 4_000_000_000)
)


@given(ids)
def test_an_id_reads_back_as_written(session_id):
    assert SessionId.parse(str(session_id)) == session_id


def _foreign(c: str) -> bool:
    return c != ":" and not (c.isascii() and c.isdigit())


@given(st.text(min_size=1).filter(lambda text: any(_foreign(c) for c in text)))
def test_text_with_anything_but_ascii_digits_and_colons_is_no_id(text):
    assert SessionId.parse(text) is None


def test_ids_from_before_versions_and_junk_are_refused():
    # "\u0661..." are Arabic-Indic digits, which str.isdigit() accepts and int() reads.
    for text in ["12", "12:3", "12:3:4:5", "a:b:c", "1:-2:3", "1: 2:3", "\u0661:\u0662:\u0663", "", "::"]:
        assert SessionId.parse(text) is None


def test_a_session_holds_only_at_the_persons_present_version():
    session_id = SessionId(7, 3, int(NOW - DAY))
    assert session_id.holds(3, NOW, MAX_AGE)
    assert not session_id.holds(4, NOW, MAX_AGE)  # signed out, or the password changed, since
    assert not session_id.holds(2, NOW, MAX_AGE)


def test_a_session_ends_at_its_maximum_age_whatever_the_cookie_says():
    assert SessionId(7, 1, int(NOW - MAX_AGE + 1)).holds(1, NOW, MAX_AGE)
    assert not SessionId(7, 1, int(NOW - MAX_AGE)).holds(1, NOW, MAX_AGE)


def test_a_session_without_a_start_or_from_the_future_is_refused():
    assert not SessionId(7, 1, 0).holds(1, NOW, MAX_AGE)
    assert SessionId(7, 1, int(NOW + 30)).holds(1, NOW, MAX_AGE)  # another server's clock, a little ahead
    assert not SessionId(7, 1, int(NOW + 3600)).holds(1, NOW, MAX_AGE)
