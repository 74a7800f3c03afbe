"""The secret guard: find recovery phrases and private keys in what people write.

`find_secrets(text)` is a pure function: it returns findings that say what kind of
secret sits where (offsets into `text`), never the secret itself, so a finding can be
counted, logged or shown without leaking anything. `redact(text, findings)` gives the
text back with each secret replaced by "[removed]".

What counts as a secret, and why:

- recovery_phrase: 12 or more words of one BIP39 wordlist, however they are laid out.
  Only the words matter: spaces, commas, new lines, numbering (`1. word`, `1) word`,
  `1、`, ①), table pipes, code fences, markup and case are all ignored. Up to 2 words in
  any 12 may be anything else (a typo, a word from memory): 10 known words out of 12
  leave a phrase open to brute force (2048² tries at most), so such a phrase is as
  compromised as a complete one. Ordinary prose passes because it is full of words no
  wordlist has ("the", "to", "my"): 10 wordlist words in any 12 in a row is a list, not a
  sentence; and a phrase's words are drawn at random, so "help help help …" is not one.
  Chinese wordlists are single characters, and Chinese prose is made of the same
  characters; a character counts only when it stands apart (between spaces, punctuation
  or numbering, not glued to a count as in 3天), so running text never matches. What is
  removed runs from the phrase's first word to its last, typos at its edges included,
  and leaves the poster's own sentences around it.
- wif: a Base58Check string whose payload is a version byte and a 32-byte key (plus the
  0x01 "compressed" flag): Bitcoin mainnet (5…, K…, L…), testnet (9…, c…) and the other
  coins that reuse the format with their own version byte. The checksum must be valid:
  addresses have the same alphabet and are 21-byte payloads, so they pass.
- xprv: an extended private key (xprv, yprv, zprv, tprv and the other BIP32 private
  prefixes). The shape alone decides: nothing public starts that way, and a mistyped
  key is still mostly a secret. Extended public keys (xpub…) pass.
- labelled_hex_key: 64 hexadecimal characters right after a label such as
  "private key:", "privateKey", "私钥" or "clave privada".
- bare_hex_64: 64 hexadecimal characters with no label. A transaction hash looks exactly
  like a private key, so this one is not refused: the poster is asked to confirm it is a
  transaction hash. Hashes inside an explorer's transaction link need no confirmation.

The data comes from well-kept sources rather than copies of our own: the BIP39 wordlists
of Trezor's `mnemonic` package (the reference implementation of BIP39) and Base58Check
decoding from the `base58` package (the Bitcoin-compatible codec most Python wallets use).

Cost: a few regular-expression passes over the text and a dictionary look-up per word,
linear in the text; a 50,000-character post takes a few milliseconds. Texts with a run
of wordlist words take a slower, still linear, second pass that locates them.
"""

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

import base58
from django.utils.translation import gettext_lazy as _
from mnemonic import Mnemonic

REDACTED = "[removed]"
PHRASE_MIN_WORDS = 12
# In any PHRASE_MIN_WORDS words in a row, this many may be outside the wordlist.
PHRASE_MAX_MISSES = 2

# The ten wordlists of the BIP39 specification. `mnemonic` also ships Russian and Turkish
# lists that are not part of it (and that no wallet we know of generates).
LANGUAGES = (
    "english",
    "chinese_simplified",
    "chinese_traditional",
    "japanese",
    "korean",
    "spanish",
    "french",
    "italian",
    "czech",
    "portuguese",
)


class Kind(StrEnum):
    RECOVERY_PHRASE = "recovery_phrase"
    WIF = "wif"
    XPRV = "xprv"
    LABELLED_HEX_KEY = "labelled_hex_key"
    BARE_HEX_64 = "bare_hex_64"


@dataclass(frozen=True, slots=True)
class Finding:
    """One secret in a text: its kind and where it is, never what it is."""

    kind: Kind
    start: int
    end: int
    # For a recovery phrase: the BIP39 wordlist it comes from.
    language: str = ""

    @property
    def needs_confirmation(self) -> bool:
        """A bare 64-hex string may be a transaction hash: the poster says which."""
        return self.kind == Kind.BARE_HEX_64


# What the poster reads, in their language: why the text is refused and what to do now.
_KEY_MESSAGE = _(
    "This looks like a private key. Anyone who has seen it can take the funds it holds: "
    "move them to a new wallet now. Staff never ask for it. We removed it from your text "
    "and saved nothing."
)
MESSAGES = {
    Kind.RECOVERY_PHRASE: _(
        "This looks like a recovery phrase (seed words). Anyone who has seen it can take "
        "your funds: move your funds to a new wallet now. Staff never ask for it. We "
        "removed it from your text and saved nothing."
    ),
    Kind.WIF: _KEY_MESSAGE,
    Kind.XPRV: _(
        "This looks like an extended private key (xprv). It controls every address of your "
        "wallet: anyone who has seen it can take your funds, so move them to a new wallet "
        "now. Staff never ask for it. We removed it from your text and saved nothing."
    ),
    Kind.LABELLED_HEX_KEY: _KEY_MESSAGE,
    Kind.BARE_HEX_64: _(
        "This text has a 64-character code in it. A transaction hash is public and safe to "
        "share, but a private key looks the same and gives away your funds. If it is a "
        "transaction hash, tick “This is a transaction hash, not a private key” and send "
        "it again. If it is a private key, delete it, and move your funds to a new wallet."
    ),
}


def message_for(kinds: Iterable[str]):
    """What to tell the poster about these kinds of secret: the gravest kind's message."""
    kinds = set(kinds)
    return MESSAGES[next(kind for kind in Kind if kind in kinds)]


# --- Finding them ------------------------------------------------------------------


def find_secrets(text: str) -> list[Finding]:
    """Every secret in `text`, in order of position. Pure: no side effects (the wordlists
    are read once, on first use)."""
    findings = [*_keys(text), *_phrases(text)]
    findings.sort(key=lambda finding: finding.start)
    return findings


def refused(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that refuse a post outright (all but the bare hex, which asks first)."""
    return [finding for finding in findings if not finding.needs_confirmation]


def has_secret(text: str) -> bool:
    """Whether `text` holds a secret that is refused outright."""
    return bool(refused(find_secrets(text)))


def redact(text: str, findings: Iterable[Finding]) -> str:
    """`text` with each finding's span replaced by "[removed]" (overlaps merged)."""
    spans = sorted((finding.start, finding.end) for finding in findings)
    pieces, position = [], 0
    for start, end in spans:
        if end <= position:
            continue
        start = max(start, position)
        pieces += [text[position:start], REDACTED]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


# --- Keys ----------------------------------------------------------------------------

# Keys, hashes and addresses are long runs of letters and digits: find the runs once,
# then look at each (cheaper than one pattern per kind with look-arounds at every place).
_LONG_RUN = re.compile(r"[0-9A-Za-z]{50,}")
_BASE58 = re.compile(r"[1-9A-HJ-NP-Za-km-z]+")
_HEX_64 = re.compile(r"(?:0[xX])?[0-9a-fA-F]{64}")
# BIP32 private version prefixes: Bitcoin's (SLIP-132 family and testnet) and Litecoin's.
_XPRV = re.compile(r"(?:[xyztuvYZUV]prv|Ltpv)[1-9A-HJ-NP-Za-km-z]{100,112}")
_KEY_LABEL = re.compile(
    r"(?:(?:private|priv|secret)[\s_-]?key|privkey|"
    r"私钥|私鑰|私匙|密钥|密鑰|秘钥|秘鑰|秘密鍵|秘密キー|プライベートキー|개인\s?키|"
    r"clave\s+privada|chave\s+privada|cl[ée]\s+priv[ée]e|chiave\s+privata|"
    r"priv[aá]tn[ií]\s+kl[ií][čc])"
    # Between the label and the key: punctuation, space and a few linking words only.
    r"(?:[^\w]|\b(?:is|was|are|here|es|est|ist|je|é|è)\b|是|为|為|如下|は|が|です)*\Z",
    re.IGNORECASE,
)
_KEY_LABEL_REACH = 60
# The hash in an explorer's link to a transaction is a transaction hash, whatever it is.
_TX_LINK = re.compile(
    r"(?:/tx/|/txs/|/transaction/|/transactions/|/txid/|[?&#](?:tx|txid|hash)=)\Z",
    re.IGNORECASE,
)


def _keys(text: str) -> list[Finding]:
    findings = []
    for run in _LONG_RUN.finditer(text):
        value, start, end = run.group(), run.start(), run.end()
        if _HEX_64.fullmatch(value):
            before = text[max(0, start - _KEY_LABEL_REACH) : start]
            if _KEY_LABEL.search(before):
                findings.append(Finding(Kind.LABELLED_HEX_KEY, start, end))
            elif not _TX_LINK.search(before):
                findings.append(Finding(Kind.BARE_HEX_64, start, end))
        elif _XPRV.fullmatch(value):
            findings.append(Finding(Kind.XPRV, start, end))
        elif len(value) <= 53 and _BASE58.fullmatch(value) and _is_wif(value):
            findings.append(Finding(Kind.WIF, start, end))
    return findings


def _is_wif(candidate: str) -> bool:
    """A checksum-valid Base58Check key: version byte, 32-byte key, optional 0x01 flag."""
    try:
        payload = base58.b58decode_check(candidate)
    except ValueError:
        return False
    return len(payload) == 33 or (len(payload) == 34 and payload[-1] == 0x01)


# --- Recovery phrases ------------------------------------------------------------------

# A word is a run of letters. Digits, punctuation, spaces and symbols between words are
# layout (numbering, commas, table pipes, code fences) and are skipped.
_WORD = re.compile(r"[^\W\d_]+")
# The same, keeping combining marks (a decomposed é, Japanese ゛) inside the word; slower,
# so only for the texts that have them.
_COMBINING = re.compile(r"[\u0300-\u036f\u3099\u309a]")
_WORD_WITH_MARKS = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f\u3099\u309a])+")
# Tags and entities are layout too: `abandon<br>ability` is two words.
_MARKUP = re.compile(r"<[^<>\n]{0,40}>|&#?\w{1,10};")
# Chinese numbering (十一、, 二十四.) is not a word either.
_HAN_NUMERALS = frozenset("一二三四五六七八九十百零〇两")


@functools.cache
def _wordlists() -> dict[str, int]:
    """Every BIP39 word, folded as the words of a text are, mapped to a bit for each
    wordlist (LANGUAGES) that has it."""
    masks: dict[str, int] = {}
    for bit, language in enumerate(LANGUAGES):
        for word in Mnemonic(language).wordlist:
            key = _fold(word)
            masks[key] = masks.get(key, 0) | (1 << bit)
    return masks


@functools.lru_cache(maxsize=8192)
def _fold(word: str) -> str:
    """Compare words as a person reads them: full-width forms, case and Latin accents
    ignored, and circled or superscript numbering (①) dropped."""
    folded = unicodedata.normalize("NFKC", word).casefold()
    if not folded.isalpha():
        folded = "".join(ch for ch in folded if ch.isalpha())
    if not folded.isascii() and any("\u00c0" <= ch <= "\u024f" for ch in folded):
        # "abaco" is "ábaco": people often type Spanish and French words without accents.
        stripped = "".join(
            ch for ch in unicodedata.normalize("NFD", folded) if not unicodedata.combining(ch)
        )
        folded = unicodedata.normalize("NFC", stripped)
    return folded


def _is_han(ch: str) -> bool:
    return (
        "\u3400" <= ch <= "\u9fff"
        or "\uf900" <= ch <= "\ufaff"
        or "\U00020000" <= ch < "\U00040000"
    )


_NUMBERING = -1  # not a word at all: skipped


def _mask(word: str, wordlists: dict[str, int]) -> int:
    """Which wordlists have `word` (a bit each; 0: none, _NUMBERING: not a word)."""
    if word.isascii():
        return wordlists.get(word.lower(), 0)
    if "\u4e00" <= word[0] <= "\u9fff":  # the common CJK block, which NFKC leaves alone
        if len(word) == 1:
            return wordlists.get(word, 0)
        # Running Chinese text is not a list of characters standing apart.
        return _NUMBERING if _HAN_NUMERALS.issuperset(word) else 0
    key = _fold(word)
    if not key:
        return _NUMBERING
    if _is_han(key[0]) and len(key) > 1:
        return _NUMBERING if _HAN_NUMERALS.issuperset(key) else 0
    return wordlists.get(key, 0)


def _words(text: str) -> tuple[str, re.Pattern]:
    """The text with its markup blanked out (same length), and the pattern for its words."""
    if "<" in text or "&" in text:
        text = _MARKUP.sub(lambda match: " " * len(match.group()), text)
    return text, (_WORD_WITH_MARKS if _COMBINING.search(text) else _WORD)


def _phrases(text: str) -> list[Finding]:
    wordlists = _wordlists()
    text, word_pattern = _words(text)
    # A first pass on the words alone, which almost every text leaves at.
    keys = None
    if text.isascii():
        get = wordlists.get
        keys = word_pattern.findall(text.lower())
        known = bytes(1 if get(key) else 0 for key in keys)
    else:
        masks = (_mask(word, wordlists) for word in word_pattern.findall(text))
        known = bytes(1 if mask > 0 else 0 for mask in masks if mask != _NUMBERING)
    if next(_dense_windows(known), None) is None:
        return []
    if keys is not None and next(_phrase_windows(known, keys), None) is None:
        return []
    words = _located_words(text, word_pattern, wordlists)
    parted = _sentence_breaks(text, words)
    languages = 0
    keys = [word.key for word in words]
    for first, last in _phrase_spans(bytes(1 if word.mask else 0 for word in words), keys):
        for word in words[first : last + 1]:
            languages |= word.mask
    findings = []
    for bit, language in enumerate(LANGUAGES):
        if languages & (1 << bit):
            in_list = bytes((word.mask >> bit) & 1 for word in words)
            near = functools.partial(_is_near, words, language=language)
            for first, last in _phrase_spans(in_list, keys, near=near, parted=parted):
                findings.append(
                    Finding(Kind.RECOVERY_PHRASE, words[first].start, words[last].end, language)
                )
    return findings


@dataclass(frozen=True, slots=True)
class _Word:
    start: int
    end: int
    key: str  # folded as the wordlists are
    mask: int  # a bit for each wordlist that has it


def _located_words(text: str, word_pattern: re.Pattern, wordlists: dict[str, int]) -> list[_Word]:
    """Each word with where it is and the wordlists that have it. A Chinese character
    glued to a digit is a count or a date (3天, 1月), not a character standing apart."""
    words = []
    for match in word_pattern.finditer(text):
        mask = _mask(match.group(), wordlists)
        if mask == _NUMBERING:
            continue
        start, end = match.span()
        if (
            mask
            and _is_han(text[start])
            and (text[start - 1 : start].isdigit() or text[end : end + 1].isdigit())
        ):
            mask = 0
        words.append(_Word(start, end, _fold(match.group()), mask))
    return words


# What ends a sentence or a paragraph: a full stop right after a word, or a blank line.
_BREAK = re.compile(r"[.!?。！？]|.*\n[^\S\n]*\n", re.DOTALL)


def _sentence_breaks(text: str, words: list[_Word]) -> bytes:
    """For each word, 1 when a sentence or paragraph ends just before it. A phrase is
    one list; the sentence before it and the one after are the poster's own words
    (numbering, as in "1. word", comes after a word's own full stop, so it is no break)."""
    return bytes(
        [0]
        + [
            1 if _BREAK.match(text, before.end, after.start) else 0
            for before, after in itertools.pairwise(words)
        ]
    )


def _is_near(words: list[_Word], index: int, *, language: str) -> bool:
    """Whether the word at `index` is one typo from a word of `language`: a letter
    dropped, added or changed, or two letters swapped. Only words of 5 letters or more:
    shorter ones are a typo away from too many ordinary words."""
    key = words[index].key
    if len(key) < 5:
        return False
    listed, dropped, dropped_at = _typo_index(language)
    if key in dropped:
        return True
    for i in range(len(key)):
        shorter = key[:i] + key[i + 1 :]
        if shorter in listed or (shorter, i) in dropped_at:
            return True
        if i + 1 < len(key) and key[:i] + key[i + 1] + key[i] + key[i + 2 :] in listed:
            return True
    return False


@functools.cache
def _typo_index(language: str) -> tuple[frozenset, frozenset, frozenset]:
    """The words of `language`; each word less one letter; and the same with the place
    of the letter dropped (two words one letter apart lose it at the same place)."""
    listed = frozenset(_fold(word) for word in Mnemonic(language).wordlist)
    dropped_at = frozenset(
        (word[:i] + word[i + 1 :], i) for word in listed for i in range(len(word))
    )
    return listed, frozenset(shorter for shorter, _place in dropped_at), dropped_at


_SIZE, _NEED = PHRASE_MIN_WORDS, PHRASE_MIN_WORDS - PHRASE_MAX_MISSES
# _NEED words among _SIZE, cut by the others into PHRASE_MAX_MISSES + 1 pieces at most,
# make a run of at least this many wordlist words in a row: the windows worth counting.
_RUN = b"\x01" * -(-_NEED // (PHRASE_MAX_MISSES + 1))


def _dense_windows(in_list: bytes) -> Iterator[int]:
    """In order, the first word of each window of PHRASE_MIN_WORDS words of which at
    most PHRASE_MAX_MISSES are outside the wordlist (in_list: 1 for a wordlist word)."""
    checked = -1  # windows up to this first word are done
    run = in_list.find(_RUN)
    while run != -1:
        unchecked = max(checked + 1, run + len(_RUN) - _SIZE, 0)
        checked = min(run, len(in_list) - _SIZE)
        for first in range(unchecked, checked + 1):
            if in_list.count(1, first, first + _SIZE) >= _NEED:
                yield first
        run = in_list.find(_RUN, run + 1)


# A phrase's words are drawn at random: 12 of them repeat one or two at most. "help help
# help …" or "word word word …" is somebody's cry or filler, not a phrase.
_DISTINCT = _NEED - 1


def _phrase_windows(in_list: bytes, keys: list[str], offset: int = 0) -> Iterator[int]:
    """The dense windows (see _dense_windows) whose wordlist words are varied enough to
    be a phrase; `keys` are the words' folded forms, in_list starting at `offset`."""
    seen: dict[str, int] = {}  # wordlist words in the window [low, high) -> how often
    low = high = 0
    for first in _dense_windows(in_list):
        for index in range(low, min(first, high)):
            if in_list[index]:
                key = keys[offset + index]
                seen[key] -= 1
                if not seen[key]:
                    del seen[key]
        if first >= high:
            seen.clear()
            high = first
        low = first
        for index in range(high, first + _SIZE):
            if in_list[index]:
                key = keys[offset + index]
                seen[key] = seen.get(key, 0) + 1
        high = first + _SIZE
        if len(seen) >= _DISTINCT:
            yield first


def _phrase_spans(
    in_list: bytes, keys: list[str], near=None, parted: bytes = b""
) -> list[tuple[int, int]]:
    """The word spans (first, last) of the phrases in one wordlist.

    Overlapping windows merge. Each span's ends then move to the outermost words that
    are in the wordlist or one typo from it (`near(index)`), inwards past the other
    words a window took in, and outwards while the next word is one too; a word or two
    at either end that ordinary words or a sentence break (`parted`) set apart from the
    rest are left out when the rest is a phrase on its own. So mistyped words at a
    phrase's edges go with it, and the poster's own words around it stay.
    """
    is_word = (lambda index: in_list[index] or near(index)) if near else in_list.__getitem__
    is_parted = parted.__getitem__ if parted else lambda index: False
    spans: list[list[int]] = []
    for first in _phrase_windows(in_list, keys):
        if spans and first <= spans[-1][1] + 1:
            spans[-1][1] = first + _SIZE - 1
        else:
            spans.append([first, first + _SIZE - 1])
    found = []
    for first, last in spans:
        while not is_word(first):
            first += 1
        while not is_word(last):
            last -= 1
        while first > 0 and is_word(first - 1) and not is_parted(first):
            first -= 1
        while last + 1 < len(in_list) and is_word(last + 1) and not is_parted(last + 1):
            last += 1
        found.append(_tighten(in_list, keys, is_word, is_parted, first, last))
    return found


# A wordlist word or two just before or after a phrase, set apart from it.
_LOOSE_WORDS = 2


def _tighten(
    in_list: bytes, keys: list[str], is_word, is_parted, first: int, last: int
) -> tuple[int, int]:
    """Leave out a word or two at either end of a span that ordinary words or a sentence
    break set apart from the rest, when the rest is a phrase on its own: in "my balance
    is gone. 1. abandon …", "balance" is the poster's, not the phrase's."""

    def is_phrase(start: int, end: int) -> bool:
        return next(_phrase_windows(in_list[start : end + 1], keys, start), None) is not None

    while first < last:
        end = first
        while end < last and is_word(end + 1) and not is_parted(end + 1):
            end += 1
        rest = end + 1
        while rest <= last and not is_word(rest):
            rest += 1
        if end - first >= _LOOSE_WORDS or rest > last or not is_phrase(rest, last):
            break
        first = rest
    while first < last:
        start = last
        while start > first and is_word(start - 1) and not is_parted(start):
            start -= 1
        rest = start - 1
        while rest >= first and not is_word(rest):
            rest -= 1
        if last - start >= _LOOSE_WORDS or rest < first or not is_phrase(first, rest):
            break
        last = rest
    return first, last
