"""One translation catalogue for the UI, the printed sheets and the phone pages.

Strings are marked with ``_()`` (translated now) or ``N_()`` (marked for extraction,
translated later, e.g. in tables built at import time). Catalogues are GNU gettext ``.mo``
files under ``resources/locale/<lang>/LC_MESSAGES/facilitator.mo``; a missing catalogue
falls back to the English source text.
"""

from __future__ import annotations

import gettext as _gettext

from facilitator.paths import resource_path

DOMAIN = "facilitator"
LANGUAGES: dict[str, str] = {"en": "English", "cy": "Cymraeg", "ar": "العربية"}
"""The languages the app is translated into, each named in itself."""
RTL = frozenset({"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv", "ckb"})
"""Languages written right to left."""
_translation: _gettext.NullTranslations = _gettext.NullTranslations()
_language = "en"


def set_language(language: str) -> None:
    """Switch later ``_()`` calls to ``language`` ("cy", "ar"…); unknown means English."""
    global _translation, _language
    _translation = _gettext.translation(
        DOMAIN, localedir=str(resource_path("locale")), languages=[language], fallback=True
    )
    _language = language


def language() -> str:
    return _language


def is_rtl(code: str) -> bool:
    """Whether ``code`` ("ar", "ar-EG", "cy"…) is written right to left."""
    return code.strip().lower().replace("_", "-").split("-")[0] in RTL


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark for extraction without translating yet."""
    return message
