"""Vietnamese text helpers: a search key where `Nguyễn` = `nguyen` and `Đ` = `d`."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_KEY = re.compile(r"[^0-9a-z ]")


def search_key(text: str) -> str:
    """Lower-case ASCII key without diacritics; `đ`/`Đ` are letters of their own, so mapped explicitly."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "d")
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = _NON_KEY.sub(" ", stripped)
    return _SPACES.sub(" ", stripped).strip()


def given_name_key(text: str) -> str:
    """Key that starts with the given name (the last word), so `An` finds `Nguyễn Văn An` by prefix."""
    key = search_key(text)
    parts = key.split(" ")
    if len(parts) < 2:
        return key
    return " ".join([parts[-1], *parts[:-1]])


def clean_person_name(text: str) -> str:
    """Names stay as written; only surrounding and repeated spaces go, and Unicode is composed (NFC)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()
