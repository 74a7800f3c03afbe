"""The one normaliser: the same words at index time and at query time, on every backend.

Text becomes a list of tokens, each with the span of the original text it came from (so
snippets can mark what matched). A token is lowercase, NFKC-folded and without
diacritics; Chinese runs are converted to simplified characters (OpenCC), common variant
spellings are folded (转帐 → 转账) and segmented by jieba in its search mode, which adds
the sub-words of long words (区块浏览器 → 区块, 浏览器, 区块浏览器) so a shorter query
word finds a longer text word; English words are stemmed (Snowball: transfers → transfer);
long hexadecimal or base58 strings (transaction hashes, addresses) are kept whole, without
a leading 0x, and are searched by prefix.

Backends store the tokens joined by spaces and build their queries from tokens only:
nothing a user types reaches a query language.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass

import jieba
import opencc
import snowballstemmer

from safety import guard

# A run of letters and digits (underscore separates, as it does for FTS5's tokenizer).
_RUN = re.compile(r"[^\W_]+")
# Han characters: the unified ideographs, extension A, the compatibility block and the
# supplementary planes' extensions. Kana and Hangul are left to the word splitter.
_HAN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+)")
# A hash or an address: letters and digits, at least eight, with a digit among them.
_HASHLIKE = re.compile(r"(?=[0-9a-z]*[0-9])[0-9a-z]{8,}")
MIN_PREFIX_CHARS = 8
MAX_TOKEN_CHARS = 100  # PostgreSQL refuses lexemes past 2 KB; no real word is this long

# Variant spellings OpenCC keeps (both are valid simplified characters) but our members
# mean the same by: 帐 is the old form of 账 in 转帐, 帐户, 到帐, 帐号. (帐篷, a tent,
# never comes up in a wallet's support forum.)
_VARIANTS = str.maketrans({"帐": "账", "鍊": "链", "吿": "告"})

# Words that say nothing about what is asked; dropped from a query that has others.
_STOP_WORDS_TEXT = """
    a an the i me my we our you your it its is are was were be been am do does did to of in
    on at for from by with and or but not no so if as this that these those there here how
    what why when where which who can could would should will just please help hi hello
    thanks thank any some
    的 了 吗 呢 吧 啊 呀 我 我的 你 您 他 她 是 在 和 与 或 有 没 没有 就 都 也 还 又 把 被 给
    怎么 怎么办 怎样 为什么 如何 什么 请问 一下
    问题 求助 帮忙 谢谢 大家 一直 这个 那个
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int  # span in the original text
    end: int

    @property
    def is_hashlike(self) -> bool:
        return _HASHLIKE.fullmatch(self.text) is not None


def _segmenter() -> jieba.Tokenizer:
    """The secret guard's jieba, with its wallet words: one dictionary per process
    (each costs about 65 MB), and the same readings of Chinese everywhere."""
    return guard.word_segmenter()


@functools.cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")  # dictionaries ship inside the wheel: no network


@functools.cache
def _stemmer():
    return snowballstemmer.stemmer("english")


def tokens(text: str) -> list[Token]:
    """Every token of `text`, in order, with its span in `text`."""
    found: list[Token] = []
    for run in _RUN.finditer(text):
        offset = run.start()
        for piece in _HAN.split(run.group()):
            if not piece:
                continue
            if _HAN.fullmatch(piece):
                found.extend(_chinese(piece, offset))
            else:
                found.extend(_words(piece, offset))
            offset += len(piece)
    return found


def words(text: str) -> list[str]:
    """The tokens' texts, as the index stores them: `tokens` without the spans, faster
    (runs of letters are Zipfian, so most are a cache hit)."""
    return [word for run in _RUN.findall(text) for word in _run_words(run)]


@functools.lru_cache(maxsize=200_000)
def _run_words(run: str) -> tuple[str, ...]:
    return tuple(token.text for token in tokens(run))


def index_text(*texts: str) -> str:
    """What the index stores for these texts: their tokens, space separated. (The same as
    joining `words`, built from each run's cached string: a rebuild calls this a million
    times.)"""
    return " ".join(
        filter(None, [" ".join(filter(None, map(_run_text, _RUN.findall(text)))) for text in texts])
    )


@functools.lru_cache(maxsize=200_000)
def _run_text(run: str) -> str:
    return " ".join(_run_words(run))


def _words(piece: str, offset: int) -> list[Token]:
    folded = unicodedata.normalize("NFKC", piece).casefold()
    if not folded.isascii():
        folded = "".join(
            char
            for char in unicodedata.normalize("NFKD", folded)
            if not unicodedata.combining(char)
        )
        folded = unicodedata.normalize("NFC", folded)
    end = offset + len(piece)
    return [Token(_fold_word(word), offset, end) for word in _RUN.findall(folded)]


@functools.lru_cache(maxsize=200_000)  # words are Zipfian: the stemmer is the slow part
def _fold_word(word: str) -> str:
    if _HASHLIKE.fullmatch(word):
        if word.startswith("0x") and len(word) > 2 + MIN_PREFIX_CHARS:
            word = word[2:]
        return word[:MAX_TOKEN_CHARS]
    if word.isascii() and word.isalpha() and len(word) < 40:
        return _stemmer().stemWord(word)
    return word[:MAX_TOKEN_CHARS]


def _chinese(piece: str, offset: int) -> list[Token]:
    return [Token(word, offset + start, offset + end) for word, start, end in _chinese_words(piece)]


@functools.lru_cache(maxsize=100_000)
def _chinese_words(piece: str) -> tuple[tuple[str, int, int], ...]:
    """The words of a run of Han characters, with their spans in it."""
    simplified = _converter().convert(unicodedata.normalize("NFKC", piece)).translate(_VARIANTS)
    if len(simplified) != len(piece):  # a phrase conversion changed the length: whole-run spans
        return tuple(
            (word, 0, len(piece))
            for word in _segmenter().cut_for_search(simplified, HMM=False)
            if word.strip()
        )
    return tuple(
        (word, start, end)
        for word, start, end in _segmenter().tokenize(simplified, mode="search", HMM=False)
        if word.strip()
    )
