"""What a ballot may say under each method, its canonical stored form, its words, and its receipt.

Plain Python: no Flask, no database. `clean_choice` refuses a bad ballot with `InvalidBallot` naming
what is wrong; `receipt_for` is the SHA-256 a delegate keeps to check their co-op's ballot was counted.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from governance.errors import InvalidBallot
from governance.texts import N_, _
from voting.counting import ConsentChoice, Method, YesNoChoice
from voting.counting.model import RANKED_METHODS

ANSWERS: dict[Method, type[ConsentChoice] | type[YesNoChoice]] = {
    Method.CONSENT: ConsentChoice,
    Method.YES_NO: YesNoChoice,
}


# The answers of consent and yes/no ballots in words (the stored value stays the English key).
ANSWER_WORDS = {
    "agree": N_("agree"),
    "abstain": N_("abstain"),
    "disagree": N_("disagree"),
    "block": N_("block"),
    "yes": N_("yes"),
    "no": N_("no"),
}


def answer_words(answer: Any) -> str:
    """A consent or yes/no answer in the reader's language ('agree', 'de acuerdo'); anything else as it is."""
    return _(ANSWER_WORDS[answer]) if isinstance(answer, str) and answer in ANSWER_WORDS else str(answer)


# The options' keys, or a key -> name mapping (iterated, it gives the keys) so refusals name them in words.
Keys = Sequence[str] | Mapping[str, str]


def _bad(message: str) -> InvalidBallot:
    return InvalidBallot(message, errors={"choice": [message]})


def clean_choice(method: Method, option_keys: Keys, choice: Any, *, score_max: int = 5) -> Any:
    """The ballot in its canonical JSON form, or InvalidBallot saying what is wrong with it.

    `option_keys` may be a mapping of key to name, so that refusals name the options in words."""
    if method in ANSWERS:
        return _clean_answer(ANSWERS[method], choice)
    if method in RANKED_METHODS:
        return _clean_ranking(option_keys, choice)
    if method == Method.APPROVAL:
        return _clean_approval(option_keys, choice)
    return _clean_scores(option_keys, choice, score_max)


def _clean_answer(answers, choice: Any) -> str:
    allowed = [a.value for a in answers]
    if not isinstance(choice, str) or choice not in allowed:
        raise _bad(_("Answer one of %(answers)s.", answers=", ".join(allowed)))
    return choice


# What a ballot of each kind must be, said whole in each language.
NOT_A_LIST = {
    "ranked": N_("A ranked ballot is a list of options."),
    "approval": N_("An approval ballot is a list of options."),
}
TOO_LONG = {
    "ranked": N_("A ranked ballot names each option at most once: this vote has %(count)s options."),
    "approval": N_("An approval ballot names each option at most once: this vote has %(count)s options."),
    "score": N_("A score ballot names each option at most once: this vote has %(count)s options."),
}


def _keys(choice: Any, what: str) -> list[str]:
    if (
        isinstance(choice, str)
        or not isinstance(choice, Sequence)
        or not all(isinstance(k, str) for k in choice)
    ):
        raise _bad(_(NOT_A_LIST[what]))
    return list(choice)


def _listed(keys) -> str:
    """Some keys for a message: a few, not all of a ballot of thousands."""
    keys = [str(k) for k in keys]
    if len(keys) <= 5:
        return ", ".join(keys)
    return _("%(keys)s and %(more)s more", keys=", ".join(keys[:5]), more=len(keys) - 5)


def _name(option_keys: Keys, key: str) -> str:
    return option_keys.get(key, key) if isinstance(option_keys, Mapping) else key


def _within(option_keys: Keys, keys: Sequence[str], what: str) -> None:
    """Refuse a list longer than the options before any other check, then unknown keys (one set look-up each)."""
    if len(keys) > len(option_keys):
        raise _bad(_(TOO_LONG[what], count=len(option_keys)))
    known = set(option_keys)
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise _bad(_("Not an option of this vote: %(keys)s.", keys=_listed(unknown)))


def _clean_ranking(option_keys: Keys, choice: Any) -> list[str]:
    ranking = [k for k in _keys(choice, "ranked") if k != ""]
    if not ranking:
        raise _bad(_("Rank at least one option."))
    _within(option_keys, ranking, "ranked")
    repeated = sorted(k for k, n in Counter(ranking).items() if n > 1)
    if repeated:
        named = ", ".join(_name(option_keys, k) for k in repeated)
        raise _bad(_("Each option can be ranked only once; ranked more than once: %(names)s.", names=named))
    return ranking


def _clean_approval(option_keys: Keys, choice: Any) -> list[str]:
    approved = _keys(choice, "approval")
    _within(option_keys, approved, "approval")
    if len(set(approved)) != len(approved):
        raise _bad(_("Approve each option at most once."))
    return [k for k in option_keys if k in approved]


def _clean_scores(option_keys: Keys, choice: Any, score_max: int) -> dict[str, int]:
    if not isinstance(choice, Mapping):
        raise _bad(_("A score ballot gives options their scores."))
    _within(option_keys, list(choice), "score")
    scores: dict[str, int] = {}
    for key in option_keys:
        value = choice.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= score_max:
            raise _bad(
                _(
                    "Give each score as a whole number from 0 to %(max)s; %(value)s for %(option)s is not.",
                    max=score_max,
                    value=repr(value),
                    option=_name(option_keys, key),
                )
            )
        scores[key] = value
    if not scores:
        raise _bad(_("Score at least one option."))
    return scores


# In a consent vote a co-op that disagrees or blocks says why: the others need to know what to change.
REASON_REQUIRED = {Method.CONSENT: frozenset({ConsentChoice.DISAGREE.value, ConsentChoice.BLOCK.value})}


def is_reason_required(method: Method, choice: Any) -> bool:
    """Whether a ballot with this (clean) choice must carry a reason."""
    return isinstance(choice, str) and choice in REASON_REQUIRED.get(method, frozenset())


def clean_reason(method: Method, choice: Any, reason: str | None, *, limit: int = 1000) -> str | None:
    """The ballot's reason, trimmed; None when it gives none (and none is required)."""
    text = str(reason or "").strip()
    if len(text) > limit:
        message = _("A reason is at most %(max)s characters.", max=limit)
        raise InvalidBallot(message, errors={"reason": [message]})
    if not text and is_reason_required(method, choice):
        message = _(
            "Say why your co-op answers %(answer)s: a consent vote asks a reason for disagree and block.",
            answer=answer_words(choice),
        )
        raise InvalidBallot(message, errors={"reason": [message]})
    return text or None


def for_counting(method: Method, choice: Any) -> Any:
    """The stored form as the counting engine takes it."""
    if method == Method.APPROVAL:
        return frozenset(choice)
    if method in RANKED_METHODS:
        return tuple(choice)
    return choice


def describe(method: Method, choice: Any, names: Mapping[str, str]) -> str:
    """A ballot in words, for its co-op's people and, for open votes, everyone after the close."""
    if method in ANSWERS:
        return answer_words(choice)
    if method in RANKED_METHODS:
        return " > ".join(f"{i}. {names.get(k, k)}" for i, k in enumerate(choice, 1))
    if method == Method.APPROVAL:
        return _("approves %(options)s", options=", ".join(names.get(k, k) for k in choice) or _("none"))
    return ", ".join(f"{names.get(k, k)}: {v}" for k, v in choice.items())


def new_nonce() -> str:
    return secrets.token_hex(16)


def receipt_for(vote_id: int, coop_id: int, choice: Any, nonce: str) -> str:
    """SHA-256 over the vote, the co-op, the ballot's content and a random nonce, as sorted compact JSON."""
    payload = {"vote": vote_id, "coop": coop_id, "choice": choice, "nonce": nonce}
    data = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return hashlib.sha256(data).hexdigest()
