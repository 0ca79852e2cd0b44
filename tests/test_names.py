"""Names in any script: cleaning, order, and search keys."""

from confreg.names import (
    clean_multiline,
    clean_text,
    full_name,
    has_forbidden_characters,
    is_latin,
    search_key,
    search_terms,
)


def matches(query: str, *parts: str) -> bool:
    key = search_key(*parts)
    return all(term in key for term in search_terms(query))


def test_greek_name_is_found_in_latin_letters_and_in_greek_without_accents():
    assert matches("Karpouchtsis", "Αθανάσιος Καρπουχτσής")
    assert matches("καρπουχτσης", "Αθανάσιος Καρπουχτσής")
    assert matches("ΑΘΑΝΑΣΙΟΣ", "Αθανάσιος Καρπουχτσής")


def test_turkish_dotted_and_dotless_i():
    assert matches("yilmaz", "Ayşe Yılmaz")
    assert matches("YILMAZ", "Ayşe Yılmaz")
    assert matches("istanbul", "İstanbul")
    assert matches("ayse", "Ayşe Yılmaz")


def test_cyrillic_and_accented_latin():
    assert matches("melnyk", "Оксана Мельник")
    assert matches("plecnik", "Jože Plečnik")
    assert matches("PLEČNIK", "Jože Plečnik")


def test_persian_and_arabic_keyboard_letters_are_the_same():
    assert matches("رضايي", "علی رضایی")  # Arabic yeh typed for Persian yeh
    assert matches("كريمي", "فاطمه کریمی")  # Arabic kaf
    assert matches("نیمفاصله", "نیم\u200cفاصله")  # with or without the joiner


def test_unrelated_names_do_not_match():
    assert not matches("kovalenko", "Оксана Мельник")


def test_family_name_first_for_chinese_japanese_korean():
    assert full_name("芳", "王") == "王芳"
    assert full_name("민준", "김") == "김민준"
    assert full_name("Ana Lucía", "Gómez") == "Ana Lucía Gómez"
    assert full_name("Kwabena", "") == "Kwabena"


def test_cleaning_and_forbidden_characters():
    assert clean_text("  Jos\u0065\u0301   Luis ") == "José Luis"
    assert clean_multiline(" a  b \r\n\r\n c ") == "a b\n\nc"
    assert has_forbidden_characters("Ana\u202e")
    assert has_forbidden_characters("a\x00")
    assert has_forbidden_characters("a\nb")
    assert not has_forbidden_characters("a\nb", multiline=True)
    assert not has_forbidden_characters("نیم\u200cفاصله")


def test_latin_script_detection():
    assert is_latin("Çağrı Öztürk-Ní Bhriain")
    assert not is_latin("Αθανάσιος")
    assert not is_latin("Ivan Іван")
