"""The id a session carries, and when it still holds (plain Python: no Flask, no database).

Flask-Login keeps the string `get_id()` returns in the signed session cookie and in the remember-me
cookie, and gives it back to the user loader on every request. So that the server can end sessions
that live in cookies it cannot delete, the id carries more than the person:

    "<person id>:<session version>:<signed in at, Unix seconds>"

- the version is a counter on the person: signing out, "sign out everywhere", a password change or a
  reset raise it, and every cookie carrying an older one stops working, copies included;
- the time bounds a session's life on the server (a copied remember-me cookie does not care about its
  expiry date), at the REMEMBER_COOKIE_DURATION the remember-me cookie is given (30 days).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SessionId:
    person_id: int
    version: int
    signed_in_at: int

    def __str__(self) -> str:
        return f"{self.person_id}:{self.version}:{self.signed_in_at}"

    @classmethod
    def parse(cls, text: str) -> SessionId | None:
        """The id in a cookie, or None for anything else (including ids from before versions)."""
        parts = text.split(":")
        if len(parts) != 3 or not all(p.isascii() and p.isdigit() and len(p) <= 18 for p in parts):
            return None
        return cls(*(int(p) for p in parts))

    def holds(self, current_version: int, now: float, max_age: float) -> bool:
        """Is this still a live session of a person whose version is `current_version`?"""
        age = now - self.signed_in_at
        # A minute's leeway for clocks of several servers that do not quite agree.
        return self.version == current_version and self.signed_in_at > 0 and -60 <= age < max_age
