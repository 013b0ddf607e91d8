"""Votes, ballots and the counting of them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # nothing imported here: `roundtable-count` runs the counting without Flask
    from flask import Flask


def register(app: Flask) -> None:
    """Called by the app factory: the models join the metadata; the pages, command, hooks and scheduler are added."""
    from governance import templating
    from voting import models  # noqa: F401 - the tables must be known to Alembic and the session
    from voting.tasks import votes_cli
    from voting.views import bp, time_left, waiting

    app.register_blueprint(bp)
    app.cli.add_command(votes_cli)
    app.jinja_env.filters["time_left"] = time_left
    from voting.results import quorum_words
    from voting.words import whose

    app.jinja_env.filters["possessive"] = whose
    from voting.choices import answer_words

    app.jinja_env.filters["answer"] = answer_words
    from governance.types import utcnow
    from voting.sentences import said

    app.jinja_env.globals["said"] = said  # the counting engine's stored English, in the reader's language
    app.jinja_env.filters["said"] = said
    app.jinja_env.tests["past"] = lambda moment: moment is not None and moment <= utcnow()
    from datetime import datetime

    from governance.templating import localtime

    app.jinja_env.filters["isotime"] = lambda text: localtime(datetime.fromisoformat(text)) if text else ""
    app.jinja_env.globals["quorum_words"] = quorum_words
    from voting.steward import votes_run_by

    app.jinja_env.globals["votes_run_by"] = votes_run_by
    if waiting not in templating.waiting_providers:
        templating.waiting_providers.append(waiting)
    from proposals.service import settle_hooks
    from voting.service import close_due_vote_of

    if close_due_vote_of not in settle_hooks:
        settle_hooks.append(close_due_vote_of)
