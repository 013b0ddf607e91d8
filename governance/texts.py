"""Words people read, marked for translation: the one import for them, in every room (plain Python).

    from governance.texts import _, _l, ngettext

`_("Saved %(name)s.", name=...)` translates at once, in the language of whoever is being answered (the
request's, or the one `governance.i18n.speaking` names for a mail); `_l` translates when the text is read, for
strings made at import time (form labels, module constants). Placeholders are named (`%(name)s`), never
positional and never f-strings, so a translator sees the whole sentence and may reorder it.

This module imports neither Flask nor Babel's Flask glue: the counting engine and `roundtable-count` use it,
and without an application (`governance.i18n` installs one) every text is the English it was written in.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Callable
from typing import Any

from babel.support import LazyProxy

_identity = _gettext.NullTranslations()
_translations: Callable[[], Any] = lambda: _identity  # noqa: E731 - replaced by governance.i18n.init
_locale: Callable[[], str] = lambda: "en_GB"  # noqa: E731


def install(translations: Callable[[], Any], locale: Callable[[], str]) -> None:
    """Called once by the app: where the current catalog and locale come from."""
    global _translations, _locale
    _translations, _locale = translations, locale


def current_locale() -> str:
    """The Babel locale identifier ('en_GB', 'es_AR') of whoever is being answered."""
    return _locale()


def _(message: str, **params: Any) -> str:
    text = _translations().gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    text = _translations().ngettext(singular, plural, n)
    return text % {"num": n, **params}


def _l(message: str, **params: Any) -> LazyProxy:
    return LazyProxy(_, message, enable_cache=False, **params)


def N_(message: str) -> str:
    """Marks a string for extraction only: it is translated where it is shown, with `_(constant)`."""
    return message
