"""Names and other free text typed by people: cleaning and script-tolerant search keys."""

import re
import unicodedata

from anyascii import anyascii

# Control characters and bidi overrides (which can make text display as something it
# is not) have no place in a name or an address; line breaks are allowed only where a
# form field takes several lines. Zero-width joiners stay: Persian needs them.
_FORBIDDEN = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufffe\uffff]"
)
_LINE_BREAKS = re.compile(r"[\r\n\t]")

# Greek digraphs that romanise as one Latin letter pair (ELOT 743), before the
# letter-by-letter transliteration: Καρπουχτσής is found as "Karpouchtsis".
_GREEK_DIGRAPHS = {"ου": "ou", "ού": "ou", "μπ": "b", "ντ": "nt", "γγ": "ng", "γκ": "gk"}
_GREEK_DIGRAPH = re.compile("|".join(_GREEK_DIGRAPHS))


def clean_text(value: str | None) -> str:
    """NFC-normalised, trimmed text with runs of spaces collapsed."""
    if not value:
        return ""
    return " ".join(unicodedata.normalize("NFC", value).split())


def clean_multiline(value: str | None) -> str:
    """Like clean_text, line by line, keeping the line breaks."""
    if not value:
        return ""
    lines = (clean_text(line) for line in value.replace("\r\n", "\n").split("\n"))
    return "\n".join(lines).strip()


def has_forbidden_characters(value: str, multiline: bool = False) -> bool:
    if _FORBIDDEN.search(value):
        return True
    return not multiline and bool(_LINE_BREAKS.search(value))


def is_latin(value: str) -> bool:
    """True when every letter is from the Latin script (diacritics allowed)."""
    return all(
        not char.isalpha() or unicodedata.name(char, "").startswith("LATIN") for char in value
    )


# Letters typed differently on Arabic and Persian keyboards, and the invisible joiners.
_SCRIPT_VARIANTS = str.maketrans(
    {"İ": "i", "ı": "i", "ي": "ی", "ى": "ی", "ك": "ک", "\u200c": None, "\u200d": None}
)
_NOT_SEARCHABLE = re.compile(r"[^a-z0-9@.\- ]")


def fold(value: str) -> str:
    """Case- and accent-insensitive form of text in its own script."""
    value = value.translate(_SCRIPT_VARIANTS)
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def romanise(value: str) -> str:
    """Folded Latin-letter approximation of text in any script."""
    folded = fold(value)
    folded = _GREEK_DIGRAPH.sub(lambda match: _GREEK_DIGRAPHS[match.group()], folded)
    return _NOT_SEARCHABLE.sub("", anyascii(folded).lower())


# Ukrainian names are romanised by Ukraine's own rules (Мельник: Melnyk, not Melnik);
# the same Cyrillic is also keyed the Russian way, so that either spelling finds it.
_UKRAINIAN_LETTERS = str.maketrans({"и": "y", "г": "h", "ї": "yi", "є": "ye"})


def _romanisations(value: str) -> list[str]:
    keys = [romanise(value)]
    ukrainian = romanise(fold(value).translate(_UKRAINIAN_LETTERS))
    if ukrainian != keys[0]:
        keys.append(ukrainian)
    return keys


def search_key(*parts: str) -> str:
    """What a search matches against: each part folded in its own script and romanised."""
    keys: list[str] = []
    for part in parts:
        if not part:
            continue
        for key in (fold(part), *_romanisations(part)):
            if key not in keys:
                keys.append(key)
    return " ".join(keys)


def search_terms(query: str) -> list[str]:
    """A query split into terms, each folded like the keys it is matched against."""
    terms = []
    for word in clean_text(query).split():
        folded = fold(word)
        terms.append(folded if not is_latin(folded) else romanise(folded))
    return [term for term in terms if term]


def _writes_family_name_first(text: str) -> bool:
    """Chinese, Japanese and Korean names put the family name first, unspaced."""
    return any(
        unicodedata.name(char, "").startswith(("CJK", "HANGUL", "HIRAGANA", "KATAKANA"))
        for char in text
    )


def full_name(given: str, family: str) -> str:
    if given and family and _writes_family_name_first(given + family):
        return family + given
    return " ".join(part for part in (given, family) if part)
