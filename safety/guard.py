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
  sentence; and a phrase's words are drawn at random, so "help help help …" is not one,
  unless its checksum holds: 12 to 24 wordlist words in a row whose BIP39 checksum is
  valid are a phrase whatever they are ("abandon" ×11 + "about" is a wallet, and whatever
  is sent to it is swept within seconds). Chinese wordlists are single characters, and
  Chinese prose is made of the same characters; in this pass a character counts only
  when it stands apart (between spaces, punctuation or numbering, not glued to a count
  as in 3天). What is removed runs from the phrase's first word to its last, typos at
  its edges included, and leaves the poster's own sentences around it.
- recovery_phrase, typed without separators: Chinese characters or Japanese kana run
  together ("我的助记词是的三欧三考于据保量损破战"). A window of the run is a phrase when
  its checksum holds and, for Chinese, it reads as random characters to the jieba
  segmenter rather than as words; see "Phrases typed without separators" below.
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
  transaction hash. Hashes inside an explorer's transaction link, or right after a label
  that says what they are ("Tx hash:", "txid", "transaction", "交易哈希是", "交易ID"),
  need no confirmation and are no finding at all.

The data comes from well-kept sources rather than copies of our own: the BIP39 wordlists
of Trezor's `mnemonic` package (the reference implementation of BIP39) and Base58Check
decoding from the `base58` package (the Bitcoin-compatible codec most Python wallets use),
and jieba's dictionary of Chinese words and their frequencies.

Cost: a few regular-expression passes over the text and a dictionary look-up per word,
linear in the text; a 50,000-character post takes a few milliseconds. Texts with a run
of wordlist words take a slower, still linear, second pass that locates them. Checksums
and the segmenter's readings are counted (Work) and capped per text (MAX_CHECKSUMS,
MAX_SCORED), so no input does unbounded work.
"""

import functools
import hashlib
import itertools
import logging
import math
import operator
import re
import secrets
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

import base58
import jieba
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
    are read once, on first use).

    A text is judged twice on its way in: by the form that shows why it is refused, then
    by the service that saves it (safety.services.refuse_secrets, the backstop for every
    other way in). The second is answered from a memo of the last few texts' findings
    (11 ms of a 50,000-character reply; bench/abuse.py). The memo keeps no text: it is
    keyed by a keyed hash (a key of each process's own), and findings hold only a kind and
    where it is."""
    digest = hashlib.blake2b(
        text.encode("utf-8", "surrogatepass"), key=_MEMO_KEY, digest_size=16
    ).digest()
    with _memo_lock:
        found = _memo.get(digest)
    if found is None:
        found = _find_secrets(text)
        with _memo_lock:  # a worker's threads share it
            _memo[digest] = found
            while len(_memo) > _MEMO_SIZE:
                del _memo[next(iter(_memo))]
    return list(found)


_MEMO_KEY = secrets.token_bytes(16)
_MEMO_SIZE = 8
_memo: dict[bytes, tuple[Finding, ...]] = {}
_memo_lock = threading.Lock()


def _find_secrets(text: str) -> tuple[Finding, ...]:
    work = Work()
    findings = [*_keys(text), *_phrases(text, work)]
    findings += _without_overlaps(_glued_phrases(text, work), findings)
    findings.sort(key=lambda finding: finding.start)
    return tuple(findings)


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
    r"(?:(?:private|priv|secret)[\s_-]?key|privkey|\bpk\b|\bpriv\b|\bprv\b|"
    r"私钥|私鑰|私匙|密钥|密鑰|秘钥|秘鑰|秘密鍵|秘密キー|プライベートキー|개인\s?키|"
    r"clave\s+privada|chave\s+privada|cl[ée]\s+priv[ée]e|chiave\s+privata|"
    r"priv[aá]tn[ií]\s+kl[ií][čc])"
    # Between the label and the key: punctuation, space and a few linking words only.
    r"(?:[^\w]|\b(?:is|was|are|here|es|est|ist|je|é|è)\b|是|为|為|如下|は|が|です)*\Z",
    re.IGNORECASE,
)
_KEY_LABEL_REACH = 60
# A label that says the string is a transaction's (or a block's) hash: it is public, so
# no question is asked. A key label before it still wins (checked first).
_TX_LABEL = re.compile(
    r"(?:\b(?:txn?|txid|txhash|tx[\s_-]?(?:id|hash)|trx[\s_-]?id|hash|"
    r"transaction(?:[\s_-]?(?:hash|id))?|block[\s_-]?hash)|"
    r"交易哈希值?|交易散列|哈希值?|交易[Ii][Dd]|交易号|交易編號|交易编号|交易序號|交易雜湊值?|"
    r"雜湊值?|トランザクション(?:ID|ハッシュ)?|取引ID|ハッシュ値?)"
    r"(?:[^\w]|\b(?:is|was|here|es|est|ist)\b|是|为|為|如下|は|が|です)*\Z",
    re.IGNORECASE,
)
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
            elif not (_TX_LINK.search(before) or _TX_LABEL.search(before)):
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


def _phrases(text: str, work: "Work") -> list[Finding]:
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
        # Too repetitive for a phrase made by chance ("help help …"), unless its
        # checksum holds: "abandon" ×11 + "about" is a wallet, swept within seconds.
        words = _located_words(text, word_pattern, wordlists)
        return _checksum_phrases(words, work)
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
    return findings + _without_overlaps(_checksum_phrases(words, work), findings)


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


# --- Checksums --------------------------------------------------------------------------

# BIP39 phrases have 12, 15, 18, 21 or 24 words; the last word carries a checksum of
# (words / 3) bits, so a run of wordlist words passes it by chance once in 16 to 256.
CHECKSUM_SIZES = (12, 15, 18, 21, 24)
# Issue 12's rule, that no input does unbounded work: a text gets at most this many
# checksums computed and this many windows scored by the segmenter. Real posts use a
# handful; a text past either budget (tens of thousands of wordlist characters with no
# punctuation) is not searched further for phrases typed without separators.
MAX_CHECKSUMS = 8_000
MAX_SCORED = 100


@dataclass(slots=True)
class Work:
    """What one text cost: checksums computed, windows scored, characters looked at."""

    checksums: int = 0
    scored: int = 0
    characters: int = 0

    @property
    def spent(self) -> bool:
        return self.checksums >= MAX_CHECKSUMS or self.scored >= MAX_SCORED

    def checksum(self) -> bool:
        """Count one checksum, or say the budget is spent."""
        if self.checksums >= MAX_CHECKSUMS:
            return False
        self.checksums += 1
        return True

    def score(self) -> bool:
        if self.scored >= MAX_SCORED:
            return False
        self.scored += 1
        return True


def _checksum_holds(indexes: Sequence[int]) -> bool:
    """Whether these wordlist indexes (12, 15, 18, 21 or 24) end in a valid checksum."""
    value = 0
    for index in indexes:
        value = value << 11 | index
    check_bits = len(indexes) // 3
    entropy = (value >> check_bits).to_bytes(check_bits * 4, "big")
    checksum = hashlib.sha256(entropy).digest()[0] >> (8 - check_bits)
    return checksum == value & ((1 << check_bits) - 1)


@functools.cache
def _indexes(language: str) -> dict[str, int]:
    """Each word of `language`, folded as a text's words are, and its place in the list."""
    return {_fold(word): index for index, word in enumerate(Mnemonic(language).wordlist)}


def _checksum_windows(
    indexes: Sequence[int], work: Work, candidates: Iterable[tuple[int, int]] | None = None
) -> Iterator[tuple[int, int]]:
    """(start, size) of each window of `indexes` whose checksum holds, within the budget:
    among `candidates` (start, size) when given, else every window of every size."""
    if candidates is None:
        candidates = (
            (start, size) for size in CHECKSUM_SIZES for start in range(len(indexes) - size + 1)
        )
    for start, size in candidates:
        if not work.checksum():
            return
        if _checksum_holds(indexes[start : start + size]):
            yield start, size


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """(start, end) spans, overlapping or touching ones merged."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _without_overlaps(found: list[Finding], kept: list[Finding]) -> list[Finding]:
    """The findings of `found` that overlap none of `kept`."""
    return [
        finding
        for finding in found
        if not any(finding.start < other.end and other.start < finding.end for other in kept)
    ]


def _checksum_phrases(words: list[_Word], work: Work) -> list[Finding]:
    """Runs of wordlist words that hold a checksum-valid phrase, whatever its words."""
    languages = 0
    for word in words:
        languages |= word.mask
    findings = []
    for bit, language in enumerate(LANGUAGES):
        if not languages & (1 << bit):
            continue
        index = _indexes(language)
        spans = []
        flags = [word.mask >> bit & 1 for word in words]
        for listed, run in itertools.groupby(range(len(words)), flags.__getitem__):
            run = list(run)
            if not listed or len(run) < PHRASE_MIN_WORDS:
                continue
            indexes = [index.get(words[i].key, 0) for i in run]
            for start, size in _checksum_windows(indexes, work):
                spans.append((words[run[start]].start, words[run[start + size - 1]].end))
        findings += [
            Finding(Kind.RECOVERY_PHRASE, start, end, language) for start, end in _merged(spans)
        ]
    return findings


# --- Phrases typed without separators ----------------------------------------------------
#
# "我的助记词是的三欧三考于据保量损破战" holds a Chinese phrase: 12 characters glued to
# the poster's own. The Chinese wordlists are the 2,048 most common characters, so most
# runs of ordinary prose are made of them too, and one window in 16 passes a 12-word
# checksum by chance: the checksum alone cannot tell. What does is how the window reads.
# jieba (a maintained Chinese segmenter, with its own dictionary of 350,000 words and
# their frequencies) finds the likeliest words a text is made of; prose is likely words
# ("钱包", "转账", "的"), a phrase is 12 characters drawn at random, which segment into
# single, rare-as-words characters. The measure is the log-probability per character of
# jieba's segmentation: ordinary support text (the 200 paragraphs of
# tests/zh_paragraphs.txt and every message of our own catalogue) scores above -7.2 on
# every window; random phrases score below -8 (0 in 6,000 above).
#
# So a window of a run of wordlist characters is a phrase when its checksum holds and it
# reads as random characters: below -7.8 per character with no cue, below -7.3 with a
# cue (助记词, seed, mnemonic, 私钥 …) within CUE_REACH characters. A cue is not needed:
# a phrase pasted alone, or with "这是我的" before it, is refused as well.
#
# Japanese wordlist words are 3 to 7 kana and none is the start of another, so a run of
# kana splits into words in at most one way from each place: one pass finds, for each
# place, the word starting there, and another how many words follow in a row. 12 words
# in a row whose checksum holds are a phrase, cue or not: prose does not tile into
# wordlist words, let alone pass the checksum.
#
# Cost: linear. The runs are found by a regular expression; each window costs a prefix
# sum lookup (pairs of characters that are dictionary words: prose has many, a phrase
# almost none), then a checksum; one window in 16 of those is scored. Work counts both,
# within MAX_CHECKSUMS and MAX_SCORED. Not found: a phrase typed without separators and
# with a wrong character (its checksum fails); such phrases written with separators are.

_CUE = re.compile(
    r"助记词|助記詞|助记|助記|记忆词|記憶詞|恢复短语|恢復短語|恢复词|恢復詞|种子|種子|"
    r"私钥|私鑰|密语|密語|备份|備份|seed|mnemonic|recovery|phrase|secret|backup|"
    r"ニーモニック|シード|復元|リカバリー|秘密鍵",
    re.IGNORECASE,
)
CUE_REACH = 40
# Log-probability per character under jieba's segmentation, below which a window reads as
# random characters (see above).
RANDOM_READING = -7.8
RANDOM_READING_WITH_CUE = -7.3
_CHINESE = ("chinese_simplified", "chinese_traditional")
_HAN_RUN = re.compile(rf"[\u4e00-\u9fff]{{{PHRASE_MIN_WORDS},}}")
_JAPANESE_WORD_LENGTHS = range(3, 8)  # 3 to 7 kana, composed
_KANA_RUN = re.compile(rf"[\u3041-\u3096\u30fc\u3099\u309a]{{{3 * PHRASE_MIN_WORDS},}}")


@functools.cache
def _listed_run(language: str) -> re.Pattern:
    """A run of at least PHRASE_MIN_WORDS characters of a Chinese wordlist."""
    characters = "".join(sorted(_indexes(language)))
    return re.compile(f"[{re.escape(characters)}]{{{PHRASE_MIN_WORDS},}}")


# What wallet users write that jieba's general dictionary lacks: without these, a list
# of coins ("比特币以太坊泰达币波场") reads as random characters. Traditional text is
# scored in simplified characters, so the simplified forms serve both.
DOMAIN_WORDS = """
比特币 以太坊 以太币 泰达币 波场 狗狗币 莱特币 瑞波币 币安 火币 欧易 抹茶 索拉纳 柴犬币
稳定币 平台币 主流币 山寨币 新币 代币 通证 法币 空投 质押 解押 闪兑 兑换 滑点 跨链 跨链桥
矿工费 燃料费 手续费 链上 主网 测试网 二层 侧链 公链 钱包 冷钱包 热钱包 硬件钱包 助记词 私钥
公钥 地址 合约 授权 哈希 哈希值 区块 区块链 浏览器 节点 挖矿 矿池 流动性 无常损失 提币 充币
到账 转账 收款 付款 签名 多签 能量 带宽 冻结 解冻 币价 行情 杠杆 合约地址 去中心化 交易所
撮合 挂单 限价 市价 定投 复投 年化 收益率 铸造 盲盒 头像 藏品 数字藏品 元宇宙 白皮书 项目方
"""
_DOMAIN_FREQUENCY = 2_000  # a common word's: "确认" has 1,568 in jieba's dictionary


@functools.cache
def word_segmenter() -> jieba.Tokenizer:
    """jieba with its bundled dictionary and DOMAIN_WORDS, loaded on first use (about a
    second, once per process; jieba caches the parsed dictionary in the temporary
    directory). A Tokenizer of our own, so nothing else's words change its readings."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in DOMAIN_WORDS.split():
        if not tokenizer.FREQ.get(word):  # jieba's own frequency, where it has one
            tokenizer.add_word(word, _DOMAIN_FREQUENCY)
    return tokenizer


@functools.cache
def _word_pairs() -> frozenset[str]:
    """Two wordlist characters that make a word of jieba's dictionary (simplified)."""
    listed = _indexes("chinese_simplified")
    return frozenset(
        word
        for word, frequency in word_segmenter().FREQ.items()
        if frequency and len(word) == 2 and word[0] in listed and word[1] in listed
    )


@functools.cache
def _as_simplified() -> dict[int, str]:
    """The traditional wordlist's characters as the simplified list has them (the two lists
    are the same words in the same order), so one dictionary scores both: a str.translate
    table."""
    simplified = Mnemonic("chinese_simplified").wordlist
    return str.maketrans(
        dict(zip(Mnemonic("chinese_traditional").wordlist, simplified, strict=True))
    )


@functools.cache
def _single_readings() -> dict[str, float]:
    """Each simplified wordlist character's log-probability as a word on its own."""
    segmenter = word_segmenter()
    log_total = math.log(segmenter.total)
    return {
        character: math.log(segmenter.FREQ.get(character) or 1) - log_total
        for character in _indexes("chinese_simplified")
    }


def _reading(window: str) -> float:
    """The log-probability per character of jieba's likeliest segmentation of `window`."""
    segmenter = word_segmenter()
    log_total = math.log(segmenter.total)
    words = segmenter.lcut(window, HMM=False)
    frequency = segmenter.FREQ.get
    return sum(math.log(frequency(word) or 1) - log_total for word in words) / len(window)


def _has_cue(text: str, start: int, end: int) -> bool:
    return _CUE.search(text, max(0, start - CUE_REACH), end + CUE_REACH) is not None


def _glued_phrases(text: str, work: Work) -> list[Finding]:
    """Chinese and Japanese phrases typed with no separators between their words."""
    findings = []
    if _HAN_RUN.search(text):
        for language in _CHINESE:
            spans = []
            for run in _listed_run(language).finditer(text):
                if work.spent:
                    break
                spans += _chinese_spans(text, run, language, work)
            findings += [
                Finding(Kind.RECOVERY_PHRASE, start, end, language) for start, end in _merged(spans)
            ]
    if _KANA_RUN.search(text):
        spans = []
        for run in _KANA_RUN.finditer(text):
            if work.spent:
                break
            spans += _japanese_spans(run, work)
        findings += [
            Finding(Kind.RECOVERY_PHRASE, start, end, "japanese") for start, end in _merged(spans)
        ]
    return findings


def _chinese_spans(text: str, run: re.Match, language: str, work: Work) -> list[tuple[int, int]]:
    characters = run.group()
    work.characters += len(characters)
    indexes = list(map(_indexes(language).__getitem__, characters))
    if language != "chinese_simplified":
        characters = characters.translate(_as_simplified())
    # Each step below is one pass at the speed of C (map, accumulate): no Python per
    # character. pairs[i]: how many of the first i neighbouring pairs make a dictionary
    # word. alone[i]: the reading of the first i characters taken one by one; jieba's
    # likeliest segmentation reads at least as well, so a window that reads above the
    # floor this way is prose for sure, and costs neither a checksum nor the segmenter.
    pairs = [
        0,
        *itertools.accumulate(
            map(_word_pairs().__contains__, map(operator.add, characters, characters[1:]))
        ),
    ]
    alone = [0.0, *itertools.accumulate(map(_single_readings().__getitem__, characters))]
    floor = RANDOM_READING_WITH_CUE  # the lower floor, when no cue is near, comes after
    candidates = (
        (start, size)
        for size in CHECKSUM_SIZES
        for start in range(len(characters) - size + 1)
        if pairs[start + size - 1] - pairs[start] <= size // 3
        and alone[start + size] - alone[start] < floor * size
    )
    spans = []
    for start, size in _checksum_windows(indexes, work, candidates):
        if not work.score():
            break
        first, last = run.start() + start, run.start() + start + size
        floor = RANDOM_READING_WITH_CUE if _has_cue(text, first, last) else RANDOM_READING
        if _reading(characters[start : start + size]) < floor:
            spans.append((first, last))
    return spans


@functools.cache
def _japanese_by_start() -> dict[str, tuple[str, ...]]:
    """The Japanese wordlist's words (folded) by their first three kana (none is shorter)."""
    starts: dict[str, list[str]] = {}
    for word in _indexes("japanese"):
        starts.setdefault(word[:3], []).append(word)
    return {start: tuple(words) for start, words in starts.items()}


def _japanese_spans(run: re.Match, work: Work) -> list[tuple[int, int]]:
    # Compose the kana (か + ゛ is が, as the folded wordlist has it), keeping where
    # each composed character starts in the text.
    kana, offsets = [], []
    for offset, character in enumerate(run.group(), run.start()):
        if character in "\u3099\u309a" and kana:
            kana[-1] = unicodedata.normalize("NFC", kana[-1] + character)
        else:
            kana.append(character)
            offsets.append(offset)
    kana = "".join(kana)
    offsets.append(run.end())
    size = len(kana)
    work.characters += size * len(_JAPANESE_WORD_LENGTHS)
    index = _indexes("japanese")
    by_start = _japanese_by_start()
    # word_end[i]: where the wordlist word starting at i ends (no word starts another).
    word_end = [0] * size
    for i in range(size):
        for word in by_start.get(kana[i : i + 3], ()):
            if kana.startswith(word, i):
                word_end[i] = i + len(word)
                break
    # in_a_row[i]: how many wordlist words follow each other from i.
    in_a_row = [0] * (size + 1)
    for i in range(size - 1, -1, -1):
        in_a_row[i] = in_a_row[word_end[i]] + 1 if word_end[i] else 0
    spans, covered = [], 0
    for i in range(size):
        if in_a_row[i] < PHRASE_MIN_WORDS or i < covered:
            continue
        ends, indexes, at = [], [], i
        while at < size and word_end[at] and len(indexes) < CHECKSUM_SIZES[-1]:
            indexes.append(index[kana[at : word_end[at]]])
            at = word_end[at]
            ends.append(at)
        for words in CHECKSUM_SIZES:
            if words > len(indexes):
                break
            if not work.checksum():
                return spans
            if _checksum_holds(indexes[:words]):
                spans.append((offsets[i], offsets[ends[words - 1]]))
                covered = max(covered, ends[words - 1])
    return spans
