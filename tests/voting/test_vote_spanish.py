"""The vote in Spanish for whoever reads Spanish: its pages with their times, a steward's reminder mailed in
each delegate's own language, and every sentence the counting engine writes."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, datetime, timedelta
from fractions import Fraction

from governance import i18n
from governance.extensions import db
from governance.timezones import format_in_zone
from tests.factories import sign_in
from tests.voting.factories import open_vote
from tests.voting.test_vote_views import closed_irv
from voting import steward
from voting.counting import Ballot, Method, Quorum, Rules, count
from voting.results import decimal
from voting.sentences import said, unknown

BUENOS_AIRES = "America/Argentina/Buenos_Aires"


def _reads_spanish(person) -> None:
    person.locale = "es_AR"
    db.session.commit()


def test_the_vote_page_is_in_spanish_with_spanish_times(client, world):
    delegate = world.delegates[2]  # Río Software, in Buenos Aires
    _reads_spanish(delegate)
    vote = open_vote(world, now=datetime(2030, 4, 1, 12, tzinfo=UTC), lasts=timedelta(days=10))
    sign_in(client, delegate)
    page = client.get(f"/votes/{vote.id}").get_data(as_text=True)
    assert 'lang="es-AR"' in page
    assert f"Votación: {vote.proposal.title}" in page and "Cómo funciona esta votación" in page
    words = re.sub(r"<[^>]+>", "", page)
    assert "Se reciben papeletas desde el 1 abr 2030, 09:00 -03 (America/Argentina/Buenos_Aires)" in words
    assert "Sí o no, frente a un umbral" in page and "Mayoría simple (más de la mitad)" in page
    assert "How this vote works" not in page and "Apr" not in page


def test_the_result_page_explains_the_count_in_spanish(client, world):
    vote = closed_irv(world)
    reader = world.members[2]
    _reads_spanish(reader)
    sign_in(client, reader)
    page = client.get(f"/votes/{vote.id}/result").get_data(as_text=True)
    # The engine's stored sentence (how many rounds it took, the seeded draw decides).
    assert "ganó por segunda vuelta instantánea tras" in page
    assert "Cada ronda" in page and '<th scope="col">Ronda 2</th>' in page
    assert "empate entre" in page and "1 voto de" in page  # the tie note and where the votes went
    assert "3 cooperativas estaban en el electorado" in page
    assert "won by" not in page and "Every round" not in page


def _mail(outbox, to: str, subject: str) -> email.message.EmailMessage:
    """The one mail to this address whose subject holds these words."""
    messages = [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in outbox.glob("*.eml")
    ]
    [found] = [m for m in messages if str(m["To"]) == to and subject in str(m["Subject"])]
    return found


def test_a_reminder_is_mailed_in_each_delegates_language(world, outbox):
    _reads_spanish(world.delegates[2])
    vote = open_vote(world)
    steward.remind(vote, actor=world.steward)
    db.session.commit()
    spanish = _mail(outbox, "delegate@rio-software.example", "Recordatorio")
    assert spanish["Subject"].endswith(
        f"Recordatorio: la papeleta de Río Software sobre {vote.proposal.title}"
    )
    body = spanish.get_content()
    assert "te recuerda que Río Software todavía no emitió su papeleta" in body
    assert f"La votación cierra el {format_in_zone(vote.closes_at, BUENOS_AIRES, locale='es_AR')}." in body
    english = _mail(outbox, "delegate@thames-code.example", "Reminder")
    assert english["Subject"].endswith(f"Reminder: Thames Code's ballot on {vote.proposal.title}")
    assert "has not cast its ballot" in english.get_content()


def _texts(result) -> list[str]:
    texts = [result.sentence, result.tie_rule, result.threshold, result.base, *result.notes]
    for round_ in result.rounds:
        texts += [round_.action, *round_.notes, *(d.reason for d in [*round_.elected, *round_.excluded])]
    return [text for text in texts if text]


def test_every_sentence_the_counting_engine_writes_reads_in_spanish(ctx):
    """The engine writes English and votes store it; each of its shapes must be known to voting/sentences.py,
    or a Spanish reader would meet English. English readers get the engine's words untouched."""

    def ballots(*choices, weight=1, voter=None):
        return [Ballot(choice, weight, voter) for choice in choices]

    ranked = ballots(*[("a", "b")] * 5, *[("b", "c")] * 2, *[("c",)] * 2, ("d", "c"))
    results = [
        count(Method.IRV, ["a", "b", "c"], ballots(("a", "b"), ("b",), ("c", "b"))),
        count(Method.STV, ["a", "b", "c", "d"], ranked, Rules(seats=2)),
        count(Method.MEEK, ["a", "b", "c", "d"], ranked, Rules(seats=2)),
        count(Method.IRV, ["a", "b"], []),
        count(Method.CONSENT, ["p"], [*ballots("agree", "block"), Ballot("block", 1, "Mill Digital")]),
        count(Method.CONSENT, ["p"], ballots("agree", "disagree")),
        count(Method.CONSENT, ["p"], ballots("agree", "agree", "disagree")),
        count(Method.YES_NO, ["p"], ballots("yes", "no", "yes")),
        count(Method.YES_NO, ["p"], ballots("yes", "no")),
        count(Method.YES_NO, ["p"], ballots("no", "abstain")),
        count(Method.APPROVAL, ["a", "b"], [*ballots(frozenset({"a"})), *ballots(frozenset("ab"), weight=2)]),
        count(Method.SCORE, ["a", "b"], ballots({"a": 3, "b": 5})),
        count(Method.YES_NO, ["p"], ballots("yes"), Rules(quorum=Quorum(Fraction(1, 2)), electorate_count=4)),
    ]
    texts = [text for result in results for text in _texts(result)]
    assert len(texts) > 50
    with i18n.speaking("en_GB"):
        assert [said(text) for text in texts] == texts
    with i18n.speaking("es_AR"):
        assert [text for text in texts if said(text) == text] == []
        assert [piece for text in texts for piece in unknown(text)] == []  # nor a piece of one
        assert said("Blocked by Mill Digital and an unnamed co-op: any block stops a consent decision.") == (
            "Bloqueada por Mill Digital y una cooperativa sin nombre: cualquier bloqueo detiene una decisión "
            "por consentimiento."
        )
        assert said("A sentence no count writes.") == "A sentence no count writes."
        # Figures take the reader's decimal sign, in the engine's sentences and on the result page.
        assert said("reached the quota (5 >= 3.333333334)") == "alcanzó la cuota (5 >= 3,333333334)"
        assert decimal("7/3") == "2,33333" and decimal("12") == "12"
    assert decimal("7/3") == "2.33333"
