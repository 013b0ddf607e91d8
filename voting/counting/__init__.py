"""Counting votes: every method in plain Python, with results that explain themselves.

Nothing here imports Flask or SQLAlchemy. Call `count(method, options, ballots, rules)`;
`options` is a sequence of option keys or `Option(key, name)` objects, or a key -> name mapping.
"""

from .blt import BLTElection, BLTError, read_blt, write_blt
from .engine import count, count_profile
from .model import (
    SIMPLE_MAJORITY,
    THREE_QUARTERS,
    TWO_THIRDS,
    Ballot,
    Base,
    ConsentChoice,
    CountingError,
    Method,
    Option,
    Quorum,
    QuorumBy,
    Rules,
    ScoreAggregate,
    Threshold,
    TieKind,
    TieRule,
    Unscored,
    YesNoChoice,
    YesNoTie,
)
from .profile import RankedProfile
from .result import Decision, Outcome, QuorumReport, Result, Round, Transfer, TransferKind

__all__ = [
    "SIMPLE_MAJORITY",
    "THREE_QUARTERS",
    "TWO_THIRDS",
    "BLTElection",
    "BLTError",
    "Ballot",
    "Base",
    "ConsentChoice",
    "CountingError",
    "Decision",
    "Method",
    "Option",
    "Outcome",
    "Quorum",
    "QuorumBy",
    "QuorumReport",
    "RankedProfile",
    "Result",
    "Round",
    "Rules",
    "ScoreAggregate",
    "Threshold",
    "TieKind",
    "TieRule",
    "Transfer",
    "TransferKind",
    "Unscored",
    "YesNoChoice",
    "YesNoTie",
    "count",
    "count_profile",
    "read_blt",
    "write_blt",
]
