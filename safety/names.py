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

- Impersonators also use words that honest members use too: "Recovery Road", "Verity",
  "Help me please", "人工智能爱好者" are members, "Wallet Recovery Desk", "Crypto Help Desk",
  "钱包恢复中心" are not. Such a word (settings.IMPERSONATION_ROLE_WORDS: recovery, help,
  desk, verify, team, 人工, 恢复, ...) is refused only together with another word of the
  wallet's world (settings.IMPERSONATION_CONTEXT_WORDS: wallet, recovery, seed, 钱包, 助记词,
  ..., or a brand). Chinese words and English words of six letters or more count anywhere;
  shorter ones ("desk", "key", "agent") as whole words, or in a word made of such words only
  ("walletteam", "DeFi"), so "Steam Wallet" and "Magenta Crypto" pass.
- Every check is one pass over the name's letters, a bounded number of dictionary lookups at
  each (runs of reserved words are found by word-break dynamic programming, not a regular
  expression that could backtrack).

Names may not carry check marks (they look like the staff badge) or bidirectional controls
(a RIGHT-TO-LEFT OVERRIDE before "troppus" shows "support"), and may not be only invisible
characters.
"""

from __future__ import annotations

import functools
import itertools
import re
import string
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser as User

# Short reserved words (up to this many letters) only match whole words: see the rules above.
SHORT_WORD_LENGTH = 4
# Pair words (settings.IMPERSONATION_*) shorter than this many letters only count as whole
# words: "agent" is inside "Magenta", "token" inside "Tokenomics".
PAIR_SHORT_WORD_LENGTH = 5

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


def _spelled_out_joined(words: list[str]) -> list[str]:
    """Runs of one-letter words made one word: "W a l l e t" reads as "wallet"."""
    merged: list[str] = []
    letters: list[str] = []
    for word in words:
        if len(word) == 1:
            letters.append(word)
            continue
        if letters:
            merged.append("".join(letters))
            letters = []
        merged.append(word)
    if letters:
        merged.append("".join(letters))
    return merged


def _segments(word: str, vocabulary: frozenset[str], longest: int) -> list[str] | None:
    """`word` cut into words of `vocabulary` ("walletteam" → wallet, team), or None.

    Word break by dynamic programming: at most `longest` lookups per letter, so linear in the
    length of the word (a regex like (?:a|aa)+ may backtrack exponentially).
    """
    cut_before: list[int | None] = [0] + [None] * len(word)  # where the last word starts
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - longest), end):
            if cut_before[start] is not None and word[start:end] in vocabulary:
                cut_before[end] = start
                break
    if cut_before[-1] is None:
        return None
    pieces, end = [], len(word)
    while end:
        start = cut_before[end]
        pieces.append(word[start:end])
        end = start
    return pieces[::-1]


@dataclass(frozen=True)
class _ReservedWords:
    by_skeleton: dict[str, str]  # skeleton → the word as configured, shown in the message
    long_words: tuple[str, ...]  # matched anywhere
    any_word: re.Pattern  # one reserved word, the longest first
    longest: int  # letters in the longest reserved word
    exceptions: tuple[str, ...]

    def _first_run_of_reserved_words(self, words: list[str]) -> str | None:
        """The first run of whole words that is made of reserved words only ("Mo-D", "ModTeam").

        One pass over the joined letters: origin[p] is the earliest word start from which
        reserved words, end to end, reach letter p; at most `longest` lookups per letter.
        """
        joined = "".join(words)
        starts, ends, offset = set(), set(), 0
        for word in words:
            starts.add(offset)
            offset += len(word)
            ends.add(offset)
        origin: list[int | None] = [None] * (len(joined) + 1)
        found: tuple[int, int] | None = None
        for end in range(1, len(joined) + 1):
            for start in range(max(0, end - self.longest), end):
                # A run reaching `start` began before it; else a new run may begin here.
                source = origin[start] if origin[start] is not None else None
                if source is None and start in starts:
                    source = start
                if source is not None and joined[start:end] in self.by_skeleton:
                    origin[end] = source if origin[end] is None else min(origin[end], source)
            if (
                end in ends
                and origin[end] is not None
                and (found is None or origin[end] < found[0])
            ):
                found = (origin[end], end)
        if found is None:
            return None
        return self.by_skeleton[self.any_word.match(joined[found[0] : found[1]]).group()]

    def found_in(self, words: list[str]) -> str | None:
        run = self._first_run_of_reserved_words(words)
        if run is not None:
            return run
        # Exceptions are set aside inside one word, so "Staff Ord" cannot hide behind "Stafford".
        for innocent in self.exceptions:
            words = [word.replace(innocent, "|") for word in words]
        joined = "".join(words)
        for key in self.long_words:
            if key in joined:
                return self.by_skeleton[key]
        return None


@dataclass(frozen=True)
class _ImpersonationWords:
    """Words that are ordinary alone and read like a support desk in pairs (see settings)."""

    shown: dict[str, str]  # skeleton → the word as configured
    vocabulary: frozenset[str]
    roles: frozenset[str]
    contexts: frozenset[str]
    longest: int
    anywhere: re.Pattern  # words found inside other words: Chinese, and 6 letters or more
    exceptions: tuple[str, ...]

    def _hits(self, words: list[str]) -> list[str]:
        """The vocabulary's words in the name, in the order they appear.

        A short English word counts as a whole word or inside a word made only of
        vocabulary words ("walletteam"), so "Steam" and "Desmond" hold none.
        """
        words = _spelled_out_joined(words)
        for innocent in self.exceptions:
            words = [word.replace(innocent, "|") for word in words]
        hits: list[tuple[int, str]] = []
        offset = 0
        for word in words:
            for part in word.split("|"):
                position = offset
                for piece in _segments(part, self.vocabulary, self.longest) or ():
                    hits.append((position, piece))
                    position += len(piece)
                offset += len(part) + 1
            offset -= 1
        joined = "".join(words)
        # Two neighbouring words that together are vocabulary words: "DeFi", "Key Stone".
        offset = 0
        for word, after in itertools.pairwise(words):
            position = offset
            for piece in _segments(word + after, self.vocabulary, self.longest) or ():
                hits.append((position, piece))
                position += len(piece)
            offset += len(word)
        hits.extend((match.start(), match.group()) for match in self.anywhere.finditer(joined))
        return [word for _, word in sorted(set(hits))]

    def found_in(self, words: list[str]) -> tuple[str, str] | None:
        seen: list[str] = list(dict.fromkeys(self._hits(words)))  # bounded by the vocabulary
        for first in seen:
            for second in seen:
                if first != second and (
                    (first in self.roles and second in self.contexts)
                    or (first in self.contexts and second in self.roles)
                ):
                    return self.shown[first], self.shown[second]
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
        longest=max(map(len, by_skeleton), default=0),
        exceptions=tuple(filter(None, (skeleton(word) for word in exceptions))),
    )


@functools.lru_cache(maxsize=4)
def _compile_pairs(
    roles: tuple[str, ...], contexts: tuple[str, ...], exceptions: tuple[str, ...]
) -> _ImpersonationWords:
    shown: dict[str, str] = {}
    for word in (*roles, *contexts):
        shown.setdefault(skeleton(word), word)
    shown.pop("", None)
    anywhere = sorted(
        (key for key in shown if not key.isascii() or len(key) > PAIR_SHORT_WORD_LENGTH),
        key=len,
        reverse=True,
    )
    return _ImpersonationWords(
        shown=shown,
        vocabulary=frozenset(shown),
        roles=frozenset(filter(None, map(skeleton, roles))),
        contexts=frozenset(filter(None, map(skeleton, contexts))),
        longest=max(map(len, shown), default=0),
        anywhere=re.compile("|".join(map(re.escape, anywhere)) or "(?!)"),
        exceptions=tuple(filter(None, (skeleton(word) for word in exceptions))),
    )


def _reserved_words() -> _ReservedWords:
    return _compile(
        (*settings.RESERVED_NAMES, *settings.BRAND_NAMES),
        tuple(settings.RESERVED_NAME_EXCEPTIONS),
    )


def _impersonation_words() -> _ImpersonationWords:
    return _compile_pairs(
        tuple(settings.IMPERSONATION_ROLE_WORDS),
        (*settings.IMPERSONATION_CONTEXT_WORDS, *settings.BRAND_NAMES),
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


def find_impersonation(name: str) -> tuple[str, str] | None:
    """Two words of `name` that together read like a support desk ("Wallet", "Recovery").

    None if the name has no such pair. Look-alikes count as for reserved words.
    """
    pairs = _impersonation_words()
    return pairs.found_in(_words(name, digits_as_letters=True)) or pairs.found_in(
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
    pair = find_impersonation(name)
    if pair is not None:
        raise ValidationError(
            _(
                "Names that combine “%(first)s” with “%(second)s” are kept for the support "
                "team, so that nobody can pass for staff. Please choose another name."
            ),
            code="impersonation",
            params={"first": pair[0], "second": pair[1]},
        )
    if any(char in _CHECK_MARKS for char in unicodedata.normalize("NFKC", name)):
        raise ValidationError(
            _("Check marks look like the support team's badge, so names cannot contain them."),
            code="check_mark",
        )
