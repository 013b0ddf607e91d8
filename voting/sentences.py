"""The counting engine's words in the reader's language (plain Python).

The engine writes its sentences, round actions, reasons and notes in English, and a vote stores them so
(`roundtable-count` and the stored results stay one language, whoever closed the vote). Each of those texts
has a shape here, written exactly as the engine writes it with its figures as named placeholders; `said`
recognises the shape a stored text has and gives it in the reader's language, its pieces translated the
same way (a reason inside a sentence, "2 rounds" inside a reason). A text no shape fits is shown as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from governance.texts import N_, _, current_locale
from voting.words import figure

# Pieces that stay as written: names of options and co-ops, figures, seeds, errors.
NOT_WORDS = {"option", "chosen", "tied", "error", "seed", "order", "values", "names", "total", "quota"}

SENTENCES = (
    # Consent and yes/no (voting/counting/decisions.py)
    N_("Blocked by %(listed)s: any block stops a consent decision."),
    N_("Not consented: %(figures)s, reaching the stated share of %(share)s."),
    N_("Consented: nobody blocked and %(figures)s, below the stated share of %(share)s."),
    N_("disagreement was %(disagree)s of %(total)s (%(share)s)"),
    N_("disagreement below %(share)s of the base"),
    N_("Rejected: the base is empty, so no share of it said yes."),
    N_("%(yes)s yes of %(total)s (%(base)s) is %(share)s"),
    N_("Passed: %(figures)s, which meets the threshold of %(threshold)s."),
    N_("Rejected: %(figures)s, which does not meet the threshold of %(threshold)s."),
    N_("Passed: %(figures)s, exactly the threshold (%(threshold)s); decided by %(how)s."),
    N_("Rejected: %(figures)s, exactly the threshold (%(threshold)s); decided by %(how)s."),
    N_("the casting decision (%(answer)s)"),
    N_("the tie rule (%(tie)s)"),
    N_("a yes/no vote exactly on its threshold is decided by %(how)s"),
    N_("more than %(share)s"),
    N_("at least %(share)s"),
    N_("votes cast (yes + no)"),
    N_("votes cast (agree + disagree)"),
    N_("votes cast including abstentions (yes + no + abstain)"),
    N_("votes cast including abstentions (agree + disagree + abstain)"),
    N_("the whole electorate"),
    N_("an unnamed co-op"),
    # Shares as voting.counting.numbers.share_words says them (any other is a percentage, as it is)
    N_("half"),
    N_("a third"),
    N_("two thirds"),
    N_("a quarter"),
    N_("three quarters"),
    N_("about %(percent)s%%"),
    N_("fail"),
    N_("pass"),
    N_("yes"),
    N_("no"),
    # Ranked counts (engine.py, scottish.py, meek.py)
    N_("Nobody was elected: no ballot ranked any option."),
    N_("%(listed)s won by %(rule)s after %(rounds)s: %(reason)s."),
    N_("Elected %(listed)s to %(seats)s by %(rule)s, quota %(quota)s, after %(rounds)s."),
    N_(
        "Elected %(listed)s to %(seats)s (only %(filled)s could be filled) by %(rule)s, quota %(quota)s, "
        "after %(rounds)s."
    ),
    N_("single transferable vote (Scottish rules, SSI 2007/42)"),
    N_("instant runoff"),
    N_("single transferable vote (Meek's method)"),
    N_("first preferences"),
    N_("transfer of the surplus of %(option)s"),
    N_("exclusion of %(option)s"),
    N_("keep values lowered for the newly elected"),
    N_("first preferences (%(iterations)s)"),
    N_("exclusion of %(option)s (%(iterations)s)"),
    N_("keep values lowered for the newly elected (%(iterations)s)"),
    N_("reached the quota (%(votes)s >= %(quota)s)"),
    N_("the last candidate left, with %(votes)s votes"),
    N_(
        "deemed elected without reaching the quota (%(votes)s of %(quota)s): the continuing candidates were as "
        "many as the vacancies left (rule 52(1))"
    ),
    N_("more than half of the votes still in play (%(votes)s of %(total)s)"),
    N_(
        "elected below the quota by the last-vacancy shortcut (not a rule of the Scottish Order): at least the "
        "votes of all other continuing candidates and any surplus not transferred"
    ),
    N_("fewest votes (%(votes)s)"),
    N_("%(reason)s; %(note)s"),
    N_("as many hopeful candidates as seats remain"),
    N_("keep values: %(values)s"),
    N_(
        "counted with the last-vacancy shortcut, which the Scottish Order does not have: with one vacancy "
        "left, a candidate holding at least all other continuing votes plus any surplus is elected at once"
    ),
    N_("tie between %(tied)s broken by the tallies of round %(round)s"),
    N_("tie between %(tied)s in round %(round)s broken by draw (seed '%(seed)s'): %(chosen)s"),
    N_("tie between %(tied)s broken by the casting decision: %(chosen)s"),
    N_("ties: %(preceding)s, then the recorded casting order %(order)s"),
    N_(
        "ties: %(preceding)s, then a draw: the tied option whose SHA-256 of '%(seed)s:<key>' is smallest is "
        "chosen (seed '%(seed)s')"
    ),
    N_("the most recent earlier round at which the tied options had unequal votes decides"),
    # Approval and score (multi.py)
    N_("Chosen by %(what)s: %(names)s."),
    N_("Nothing was chosen: there were no options."),
    N_("count of %(what)s"),
    N_("approvals"),
    N_("%(aggregate)s score"),
    N_("mean"),
    N_("sum"),
    N_(
        "scores run from %(min)s to %(max)s; combined by %(aggregate)s; an unscored option counts as the minimum"
    ),
    N_("scores run from %(min)s to %(max)s; combined by %(aggregate)s; unscored options are ignored"),
    # Turnout and quorum (engine.py, result.py)
    N_("Failed quorum: %(quorum)s."),
    N_(
        "quorum reached: %(participated)s of %(electorate)s (%(unit)s) took part; %(needed)s (%(share)s of the "
        "electorate) were needed"
    ),
    N_(
        "quorum not reached: %(participated)s of %(electorate)s (%(unit)s) took part; %(needed)s (%(share)s of "
        "the electorate) were needed"
    ),
    N_("co-ops"),
    N_("weight"),
    N_("ballots are weighted: %(ballots)s ballots carry a total weight of %(weight)s"),
    # voting/service.py, when the ballots cannot be counted
    N_("The ballots could not be counted: %(error)s."),
)

# The same, with a number that chooses the form: "1 round", "2 rounds".
PLURALS = (
    (N_("%(num)s round"), N_("%(num)s rounds")),
    (N_("%(num)s seat"), N_("%(num)s seats")),
    (N_("%(num)s iteration"), N_("%(num)s iterations")),
)
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# Placeholders that hold a figure ("12", "7/3", "0.44984"), matched as one so a shape cannot swallow words.
FIGURES = {"votes", "quota", "total", "percent", "num", "round", "yes", "disagree", "participated"}
FIGURES |= {"electorate", "needed", "ballots", "weight", "min", "max", "filled"}


@dataclass(frozen=True)
class Shape:
    pattern: re.Pattern
    singular: str
    plural: str | None = None
    literal: int = 0  # how much of it is fixed text: the more, the more specific


def _compile(text: str) -> re.Pattern:
    pieces, seen, at = [], set(), 0
    for match in PLACEHOLDER.finditer(text):
        pieces.append(re.escape(text[at : match.start()].replace("%%", "%")))
        name = match.group(1)
        if name in seen:
            pieces.append(f"(?P={name})")
        else:
            pieces.append(f"(?P<{name}>[-0-9./]+)" if name in FIGURES else f"(?P<{name}>.+?)")
        seen.add(name)
        at = match.end()
    pieces.append(re.escape(text[at:].replace("%%", "%")))
    return re.compile("".join(pieces), re.S)


@cache
def shapes() -> tuple[Shape, ...]:
    made = [Shape(_compile(s), s, literal=len(PLACEHOLDER.sub("", s))) for s in SENTENCES]
    for singular, plural in PLURALS:
        for form in (singular, plural):
            made.append(Shape(_compile(form), singular, plural, len(PLACEHOLDER.sub("", form))))
    return tuple(sorted(made, key=lambda s: -s.literal))


def said(text: str | None) -> str:
    """A text the counting engine wrote, in the reader's language (as it is for English readers, or when
    no shape fits it)."""
    if not text or current_locale().startswith("en"):
        return text or ""
    return _translate(text)


def unknown(text: str) -> list[str]:
    """The pieces of a text (the text itself, or a reason inside it) that no shape fits: what a Spanish
    reader would meet in English. Figures, names and seeds are not words and are not listed."""
    missed: list[str] = []
    _translate(text, missed)
    return missed


def _translate(text: str, missed: list[str] | None = None) -> str:
    for shape in shapes():
        match = shape.pattern.fullmatch(text)
        if match is None:
            continue
        values = {name: _piece(name, value, missed) for name, value in match.groupdict().items()}
        message = shape.singular
        if shape.plural is not None and values.get("num") != "1":  # each form is its own string: Spanish,
            message = shape.plural  # like English, has two
        return _(message, **values) if values else _(message)
    if missed is not None and re.search(r"[^\W\d_]{2,}", text) and not text.endswith("%"):
        missed.append(text)
    return text


def _piece(name: str, value: str, missed: list[str] | None) -> str:
    if name == "listed":
        return _listed(value)
    if name in FIGURES:
        return figure(value)
    if name in NOT_WORDS:
        return value
    return _translate(value, missed)


def _listed(value: str) -> str:
    """'A, B and C' (the engine's list of names) as the reader's language lists them."""
    head, sep, last = value.rpartition(" and ")
    names = [*head.split(", "), last] if sep else [value]
    names = [_translate(n) if n == "an unnamed co-op" else n for n in names]
    if len(names) == 1:
        return names[0]
    return _("%(names)s and %(last)s", names=", ".join(names[:-1]), last=names[-1])
