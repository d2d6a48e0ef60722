"""The phone pages' language: one translation per request, never the app-wide one.

:func:`facilitator.i18n.set_language` switches the whole app; the server thread serves
several languages at once, so it asks :func:`translation` for its own catalogue object.
The catalogue is the app's one ``facilitator`` domain (HOUSE_STYLE 13).
"""

from __future__ import annotations

import gettext
import threading
from dataclasses import dataclass

from facilitator.i18n import DOMAIN, LANGUAGES, RTL
from facilitator.paths import resource_path

# The phone pages offer the app's languages (facilitator.i18n.LANGUAGES, RTL: one list).
__all__ = ["LANGUAGES", "RTL", "PageText", "from_accept_language", "pick", "translation"]

_lock = threading.Lock()
_cache: dict[str, gettext.NullTranslations] = {}


@dataclass(frozen=True)
class PageText:
    language: str
    translation: gettext.NullTranslations

    def __call__(self, message: str) -> str:
        return self.translation.gettext(message)

    def n(self, singular: str, plural: str, n: int) -> str:
        return self.translation.ngettext(singular, plural, n)

    @property
    def direction(self) -> str:
        return "rtl" if self.language in RTL else "ltr"


def pick(*candidates: str | None) -> str:
    """The first candidate the pages offer ("cy-GB" → "cy"), else English."""
    for candidate in candidates:
        if not candidate:
            continue
        code = candidate.strip().lower().replace("_", "-").split("-")[0]
        if code in LANGUAGES:
            return code
    return "en"


def from_accept_language(header: str) -> str | None:
    """The preferred offered language of an Accept-Language header (quality order)."""
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        bits = part.strip().split(";")
        quality = 1.0
        for bit in bits[1:]:
            key, _sep, value = bit.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        code = pick(bits[0]) if bits[0] else "en"
        if bits[0] and (code != "en" or bits[0].strip().lower().startswith("en")):
            choices.append((-quality, position, code))
    return min(choices)[2] if choices else None


def translation(language: str) -> PageText:
    language = pick(language)
    with _lock:
        found = _cache.get(language)
        if found is None:
            found = gettext.translation(DOMAIN, localedir=str(resource_path("locale")),
                                        languages=[language], fallback=True)
            _cache[language] = found
    return PageText(language, found)
