"""Refresh the translation catalogues after changing user-visible strings:

    python tools/catalogues.py            # extract, update every catalogue, compile
    python tools/catalogues.py --add de   # start a catalogue for a new language

English is the source language: its catalogue mirrors the source strings, so it is
filled here; translators fill the others (entries left empty or fuzzy are reported).
"""

import argparse
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"


def pybabel(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", *args], check=True, cwd=ROOT
    )


def extract() -> None:
    pybabel(
        "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext",
        "--add-comments=TRANSLATORS:", "--no-location", "--sort-output",
        "--project", "confreg", "--copyright-holder", "confreg contributors",
        "-o", str(TEMPLATE), ".",
    )  # fmt: skip


def fill_source_catalogue() -> None:
    path = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as source:
        catalogue = read_po(source, locale="en")
    for message in catalogue:
        if message.id:
            message.string = message.id
            message.flags.discard("fuzzy")
    with path.open("wb") as target:
        write_po(target, catalogue, omit_header=False, sort_output=True)


def untranslated(path: Path) -> int:
    with path.open("rb") as source:
        catalogue = read_po(source)
    return sum(
        1
        for message in catalogue
        if message.id
        and (
            message.fuzzy
            or not all(message.string if isinstance(message.string, tuple) else [message.string])
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--add", metavar="LOCALE", help="start a catalogue for this locale")
    args = parser.parse_args()
    extract()
    if args.add:
        pybabel("init", "-i", str(TEMPLATE), "-d", str(TRANSLATIONS), "-l", args.add)
    pybabel(
        "update",
        "-i",
        str(TEMPLATE),
        "-d",
        str(TRANSLATIONS),
        "--no-fuzzy-matching",
        "--ignore-obsolete",
    )
    fill_source_catalogue()
    pybabel("compile", "-d", str(TRANSLATIONS))
    for po in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        if missing := untranslated(po):
            print(f"{po.relative_to(ROOT)}: {missing} entries to translate")


if __name__ == "__main__":
    main()
