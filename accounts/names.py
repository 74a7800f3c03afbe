"""Names kept for the support team, and what counts as imitating one.

Scammers sign up as "Support", "ＳＵＰＰＯＲＴ" (full-width), "ѕuрроrt" (Cyrillic), "5upp0rt",
"s.u.p.p.o.r.t" or "TP-Wallet官方" and then ask people for their recovery phrase. Usernames
and display names that contain or imitate a reserved word (settings.RESERVED_NAMES and
settings.BRAND_NAMES) are therefore refused to everyone but staff.

A name and every reserved word are brought to one spelling, their *skeleton*, by the same
steps, so that look-alikes meet:

1. NFKC: full-width, circled and mathematical letters become plain ones (ＳＵＰ → SUP).
2. Format characters (category Cf: zero-width spaces and joiners, soft hyphens) and combining
   marks (accents, strike-through and "zalgo" stacks) are dropped.
3. Confusable folding: a character that Unicode's confusables.txt (UTS #39) lists as looking
   like an ASCII letter or digit becomes it (Cyrillic а е о р с х, Greek ο, Armenian օ, ...);
   a small letter whose capital is such a look-alike folds like its capital (Cyrillic м, т).
4. Case folding and leetspeak: 0→o, 3→e, 4 and @→a, 5 and $→s, 7→t, and 1, l, |, ! all
   become i since each can pass for the others; "rn" reads as m and "vv" as w.
5. Anything else that is not a letter or digit (spaces, dots, dashes, 官-方) separates words;
   a change from small to capital letters ("ModTeam") or between scripts ("Team客服") too.

The rules, with the trade-off each makes (the issue prefers safety to convenience):

- A reserved word of five letters or more, and any word in Chinese, is refused anywhere in
  the name once the separators are gone: "MySupportDesk", "sup_port", "官-方客服". Some honest
  names go with it ("Supporter", "Officially Olga"): they can pick another.
- A short reserved word ("mod", "team") is refused only as a whole word, when neighbouring
  words spell it ("m o d", "Mo-D"), or in a word made of reserved words only ("modteam").
  "Teammate", "Steam", "Modern" and "Moddy" stay free.
- Digits are read both as letters and as digits, so "5upp0rt" and "Team2" are both caught.
- A few ordinary words that contain a reserved word (settings.RESERVED_NAME_EXCEPTIONS:
  badminton, Stafford, ...) are set aside, inside one word only: "Stafford" passes, but
  "Staff Ord" and "Stafford Staff" do not.

Names may not carry check marks (they look like the staff badge) or bidirectional controls
(a RIGHT-TO-LEFT OVERRIDE before "troppus" shows "support"), and may not be only invisible
characters.
"""

from __future__ import annotations

import functools
import re
import string
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from accounts.models import User

# Short reserved words (up to this many letters) only match whole words: see the rules above.
SHORT_WORD_LENGTH = 4

_LEET = str.maketrans({"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "1": "i"})
# Symbols and letters that read as another letter whatever the digits mean.
_LOOKALIKE_SYMBOLS = str.maketrans({"$": "s", "@": "a", "l": "i", "|": "i", "!": "i"})
_LETTER_PAIRS = (("rn", "m"), ("vv", "w"))
_CAMEL_CASE = re.compile(r"(?<=[a-z])(?=[A-Z])")
# Runs of ASCII letters, of digits, or of letters in other scripts (Han, Cyrillic, ...).
_WORD = re.compile(r"[a-z]+|\d+|[^\W\d_a-z]+")

_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_CHECK_MARKS = frozenset("✓✔✅☑🗸🗹")
# Letters and symbols that print as nothing (Hangul fillers, the blank Braille pattern).
_BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


@functools.cache
def _confusable_to_ascii() -> dict[str, str]:
    """Every character that Unicode lists as confusable with an ASCII letter or digit.

    The data is Unicode's confusables.txt as shipped by confusable-homoglyphs, a maintained
    package that keeps it current with new Unicode versions and reads no network at run time.
    (The `confusables` package spells out every combination of alternatives, which grows
    exponentially with the name's length.) Loaded on first use: parsing it takes ~60 ms.
    """
    from confusable_homoglyphs.confusables import confusables_data

    table = {}
    for target in string.ascii_letters + string.digits:
        for glyph in confusables_data.get(target, ()):
            # Right-to-left glyphs are stored wrapped in left-to-right marks.
            char = glyph["c"].strip("\u200e\u200f")
            if len(char) == 1 and not char.isascii():
                table.setdefault(char, target)
    return table


def _fold_confusable(char: str) -> str:
    table = _confusable_to_ascii()
    if char in table:
        return table[char]
    capital = char.upper()
    if len(capital) == 1 and capital in table:
        return table[capital].lower()
    return char


def _without_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    kept = (ch for ch in decomposed if unicodedata.category(ch)[0] != "M")
    return unicodedata.normalize("NFC", "".join(kept))  # NFC puts Hangul syllables back


def _is_visible(char: str) -> bool:
    category = unicodedata.category(char)
    return not (category[0] in "MZC" or char.isspace() or char in _BLANK_GLYPHS)


def _words(text: str, *, digits_as_letters: bool) -> list[str]:
    """The name's words in skeleton spelling (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = "".join(_fold_confusable(ch) for ch in _without_marks(text))
    text = _CAMEL_CASE.sub(" ", text)
    # Case folding can bring marks back (İ → i̇) and letters to fold again (small capitals).
    text = "".join(_fold_confusable(ch) for ch in _without_marks(text.casefold()))
    text = text.translate(_LOOKALIKE_SYMBOLS)
    if digits_as_letters:
        text = text.translate(_LEET)
    words = _WORD.findall(text)
    for pair, letter in _LETTER_PAIRS:
        words = [word.replace(pair, letter) for word in words]
    return words


def skeleton(text: str) -> str:
    """`text` in the one spelling that its look-alikes share, separators removed.

    skeleton("ＳＵＰＰＯＲＴ") == skeleton("s.u.p.p.о.r.t") == skeleton("5upp0rt") == "support".
    """
    return "".join(_words(text, digits_as_letters=True))


@dataclass(frozen=True)
class _ReservedWords:
    by_skeleton: dict[str, str]  # skeleton → the word as configured, shown in the message
    long_words: tuple[str, ...]  # matched anywhere
    any_word: re.Pattern  # one reserved word, the longest first
    only_reserved: re.Pattern  # fullmatch: a string made of reserved words and nothing else
    exceptions: tuple[str, ...]

    def found_in(self, words: list[str]) -> str | None:
        for start in range(len(words)):
            for end in range(start + 1, len(words) + 1):
                run = "".join(words[start:end])
                if self.only_reserved.fullmatch(run):
                    return self.by_skeleton[self.any_word.match(run).group()]
        # Exceptions are set aside inside one word, so "Staff Ord" cannot hide behind "Stafford".
        for innocent in self.exceptions:
            words = [word.replace(innocent, "|") for word in words]
        joined = "".join(words)
        for key in self.long_words:
            if key in joined:
                return self.by_skeleton[key]
        return None


@functools.lru_cache(maxsize=4)
def _compile(words: tuple[str, ...], exceptions: tuple[str, ...]) -> _ReservedWords:
    by_skeleton = {}
    for word in words:
        by_skeleton.setdefault(skeleton(word), word)
    by_skeleton.pop("", None)
    alternatives = "|".join(map(re.escape, sorted(by_skeleton, key=len, reverse=True)))
    alternatives = alternatives or "(?!)"  # nothing reserved: a pattern that never matches
    return _ReservedWords(
        by_skeleton=by_skeleton,
        long_words=tuple(
            key for key in by_skeleton if not key.isascii() or len(key) > SHORT_WORD_LENGTH
        ),
        any_word=re.compile(alternatives),
        only_reserved=re.compile(f"(?:{alternatives})+"),
        exceptions=tuple(filter(None, (skeleton(word) for word in exceptions))),
    )


def _reserved_words() -> _ReservedWords:
    return _compile(
        (*settings.RESERVED_NAMES, *settings.BRAND_NAMES),
        tuple(settings.RESERVED_NAME_EXCEPTIONS),
    )


def find_reserved_word(name: str) -> str | None:
    """The reserved word that `name` contains or imitates, as configured; None if none.

    Digits are read once as letters ("5upp0rt") and once as digits ("Team2").
    """
    reserved = _reserved_words()
    return reserved.found_in(_words(name, digits_as_letters=True)) or reserved.found_in(
        _words(name, digits_as_letters=False)
    )


def may_use_reserved_names(user: User | None) -> bool:
    """Staff may call themselves "Support": agents and admins (is_agent needs is_staff too)."""
    return user is not None and user.is_active and user.is_staff


def validate_name(name: str, *, user: User | None) -> None:
    """Refuse a username or display name that `user` may not take. Raises ValidationError.

    `user` is the account that will carry the name: None for a new account (at sign-up).
    """
    if any(char in _BIDI_CONTROLS for char in name):
        raise ValidationError(
            _("Names cannot contain characters that reverse the direction of the text."),
            code="bidi_control",
        )
    if name and not any(map(_is_visible, unicodedata.normalize("NFKC", name))):
        raise ValidationError(
            _("Use at least one visible character, or leave the name empty."),
            code="invisible",
        )
    if may_use_reserved_names(user):
        return
    word = find_reserved_word(name)
    if word is not None:
        raise ValidationError(
            _(
                "Names that contain or look like “%(word)s” are kept for the support team, "
                "so that nobody can pass for staff. Please choose another name."
            ),
            code="reserved",
            params={"word": word},
        )
    if any(char in _CHECK_MARKS for char in unicodedata.normalize("NFKC", name)):
        raise ValidationError(
            _("Check marks look like the support team's badge, so names cannot contain them."),
            code="check_mark",
        )
