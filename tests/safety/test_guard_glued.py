"""safety.guard, issue 15: phrases typed without separators, checksums, labelled hashes.

- Chinese (simplified and traditional) and Japanese phrases glued together ("的三欧三考于据
  保量损破战") are refused, with a cue such as 助记词 nearby or without one; the ordinary
  Chinese of tests/zh_paragraphs.txt and of our own catalogue passes, although most of it
  is made of wordlist characters (a checksum alone would let one window in 16 through).
- A phrase whose checksum holds is refused whatever its words ("abandon" ×11 + "about").
- A transaction hash with a label that says so passes without a question; a key label is
  refused; only an unlabelled 64-hex string asks.
- The work stays bounded on long runs of wordlist characters (counted, not timed).

The phrases are made here from a fixed seed; none holds funds.
"""

import random
import re
import unicodedata
from pathlib import Path

import pytest
from mnemonic import Mnemonic

from safety import guard
from safety.guard import REDACTED, Kind, find_secrets, redact, refused
from tests.secret_samples import HEX_KEY, TX_HASH

PARAGRAPHS = [
    line
    for line in (Path(__file__).parent.parent / "zh_paragraphs.txt").read_text().splitlines()
    if line and not line.startswith("#")
]
CATALOGUE = Path(__file__).parent.parent.parent / "locale/zh_Hans/LC_MESSAGES/django.po"


def glued(language: str, words: int, rng: random.Random) -> str:
    """A random phrase of `language` with its words run together, as people type them."""
    entropy = bytes(rng.getrandbits(8) for _ in range(words * 4 // 3))
    phrase = Mnemonic(language).to_mnemonic(entropy)
    return unicodedata.normalize("NFC", "".join(phrase.split()))


def _phrases() -> list[tuple[str, str]]:
    rng = random.Random(15)
    sizes = (12, 12, 12, 15, 18, 24)
    made = []
    for language, count in (
        ("chinese_simplified", 20),
        ("chinese_traditional", 15),
        ("japanese", 15),
    ):
        made += [(language, glued(language, sizes[i % len(sizes)], rng)) for i in range(count)]
    return made


PHRASES = _phrases()
# Where people put them: alone, after a cue, in a sentence with no cue at all.
CONTEXTS = {
    "alone": "{}",
    "cue-zh": "我的助记词是{}，怎么办",
    "cue-zh-hant": "這是我的助記詞：{}請幫我找回",
    "cue-en": "my seed phrase {} please help",
    "no-cue-zh": "昨天钱包里的币都没了{}，是不是被盗了",
    "no-cue-ja": "ウォレットが空になりました。{}どうすればいいですか",
}


def test_there_are_at_least_40_random_phrases_in_each_script():
    languages = [language for language, _phrase in PHRASES]
    assert len(PHRASES) >= 40
    assert {"chinese_simplified", "chinese_traditional", "japanese"} == set(languages)
    for _language, phrase in PHRASES:
        assert not re.search(r"\s", phrase)


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize(("language", "phrase"), PHRASES, ids=lambda value: str(value)[:8])
def test_a_phrase_typed_without_separators_is_refused_and_removed(language, phrase, context):
    text = CONTEXTS[context].format(phrase)

    findings = refused(find_secrets(text))
    redacted = redact(text, findings)

    assert Kind.RECOVERY_PHRASE in {finding.kind for finding in findings}
    assert phrase not in redacted
    assert REDACTED in redacted


def test_the_issues_example_is_refused_and_the_question_around_it_kept():
    text = "我的助记词是的三欧三考于据保量损破战，怎么办"

    [finding] = find_secrets(text)

    assert finding.kind == Kind.RECOVERY_PHRASE
    assert finding.language == "chinese_simplified"
    assert redact(text, [finding]) == f"我的助记词是{REDACTED}，怎么办"


def test_a_japanese_phrase_with_decomposed_marks_is_refused_too():
    phrase = glued("japanese", 12, random.Random(7))
    text = "復元フレーズ：" + unicodedata.normalize("NFD", phrase)

    findings = refused(find_secrets(text))

    assert findings
    assert redact(text, findings) == f"復元フレーズ：{REDACTED}"


def test_the_fixture_has_200_ordinary_paragraphs_mostly_of_wordlist_characters():
    listed = set(Mnemonic("chinese_simplified").wordlist) | set(
        Mnemonic("chinese_traditional").wordlist
    )
    han = [ch for paragraph in PARAGRAPHS for ch in paragraph if "\u4e00" <= ch <= "\u9fff"]
    mostly_listed = [
        paragraph
        for paragraph in PARAGRAPHS
        if sum(ch in listed for ch in paragraph) >= 0.9 * len(paragraph)
    ]

    assert len(PARAGRAPHS) >= 200
    assert sum(ch in listed for ch in han) / len(han) > 0.9
    assert len(mostly_listed) >= 50
    assert any(not ch.isascii() and ch not in listed for ch in han)  # not only list characters


def test_ordinary_chinese_paragraphs_pass():
    failed = [paragraph for paragraph in PARAGRAPHS if find_secrets(paragraph)]

    assert failed == []


def test_every_chinese_message_of_our_own_catalogue_passes():
    messages = re.findall(r'^msgstr "(.+)"$', CATALOGUE.read_text(), re.MULTILINE)

    assert len(messages) > 500
    assert [message for message in messages if find_secrets(message)] == []


def test_prose_windows_that_pass_the_checksum_by_chance_still_pass():
    # The trap: windows of ordinary text whose checksum holds, found in the fixture.
    index = guard._indexes("chinese_simplified")
    lucky = []
    for paragraph in PARAGRAPHS:
        for run in re.findall(f"[{''.join(index)}]{{12,}}", paragraph):
            lucky += [
                run[start : start + 12]
                for start in range(len(run) - 11)
                if guard._checksum_holds([index[ch] for ch in run[start : start + 12]])
            ]

    assert len(lucky) >= 10
    for window in lucky:
        assert find_secrets(f"我的助记词丢了。{window}") == [], window


# --- Checksum-valid phrases are phrases, whatever their words ------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(" ".join(["abandon"] * 11 + ["about"]), id="abandon-about"),
        pytest.param(" ".join(["abandon"] * 23 + ["art"]), id="abandon-art-24"),
        pytest.param("1. " + "\n".join(["zoo"] * 11 + ["wrong"]), id="zoo-wrong"),
        pytest.param(" ".join(["word"] * 12), id="word-12"),
        pytest.param(
            "My test wallet: " + ", ".join(["abandon"] * 11 + ["about"]) + ". Is it safe?",
            id="in-a-sentence",
        ),
    ],
)
def test_a_checksum_valid_phrase_of_repeated_words_is_refused(text):
    findings = refused(find_secrets(text))

    assert [finding.kind for finding in findings] == [Kind.RECOVERY_PHRASE]
    assert not re.search(r"abandon|zoo|word", redact(text, findings))


def test_repeated_words_without_a_valid_checksum_still_pass():
    assert Mnemonic("english").check(" ".join(["help"] * 12)) is False
    assert find_secrets("help " * 30) == []


# --- Transaction hashes -----------------------------------------------------------------------

LABELLED_HASHES = [
    f"Tx hash: {TX_HASH}",
    f"tx hash 0x{TX_HASH}",
    f"txid {TX_HASH.upper()}",
    f"TxID: {TX_HASH}",
    f"transaction: 0x{TX_HASH}",
    f"Transaction ID = {TX_HASH}",
    f"hash: {TX_HASH}",
    f"my transfer is stuck, the hash is {TX_HASH}",
    f"交易哈希是 0x{TX_HASH}",
    f"交易哈希：{TX_HASH}",
    f"哈希 {TX_HASH}",
    f"哈希值为{TX_HASH}",
    f"交易ID：{TX_HASH}",
    f"交易雜湊：{TX_HASH}",
    f"トランザクションID: {TX_HASH}",
]
KEY_LABELS = [
    f"private key: {HEX_KEY}",
    f"私钥：{HEX_KEY}",
    f"私鑰 {HEX_KEY}",
    f"pk: {HEX_KEY}",
    f"priv {HEX_KEY}",
    f"privkey=0x{HEX_KEY}",
    f"tx hash of my private key: {HEX_KEY}",
]


@pytest.mark.parametrize("text", LABELLED_HASHES)
def test_a_labelled_transaction_hash_passes_without_a_question(text):
    assert find_secrets(text) == []


@pytest.mark.parametrize("text", KEY_LABELS)
def test_a_key_label_is_refused_as_before(text):
    assert [finding.kind for finding in refused(find_secrets(text))] == [Kind.LABELLED_HEX_KEY]


@pytest.mark.parametrize(
    "text",
    [
        TX_HASH,
        f"Look: {TX_HASH}",
        f"这笔转账 {TX_HASH} 一直没到",
        f"the transaction emptied it: {TX_HASH}",
    ],
)
def test_only_an_unlabelled_hash_asks(text):
    findings = find_secrets(text)

    assert [finding.kind for finding in findings] == [Kind.BARE_HEX_64]
    assert refused(findings) == []


# --- Bounded work ---------------------------------------------------------------------------


def _random_text(alphabet: list[str], length: int) -> str:
    rng = random.Random(12)
    return "".join(rng.choice(alphabet) for _ in range(length))


@pytest.mark.parametrize("language", ["chinese_simplified", "chinese_traditional"])
def test_a_long_run_of_wordlist_characters_costs_bounded_work(language):
    text = _random_text(Mnemonic(language).wordlist, 50_000)
    work = guard.Work()

    guard._glued_phrases(text, work)

    assert work.checksums <= guard.MAX_CHECKSUMS
    assert work.scored <= guard.MAX_SCORED
    assert work.characters <= len(guard._CHINESE) * len(text)  # each list looks once


def test_a_long_run_of_kana_costs_work_linear_in_its_length():
    words = [unicodedata.normalize("NFC", word) for word in Mnemonic("japanese").wordlist]
    short, long = (_random_text(words, count) for count in (1_000, 10_000))
    short_work, long_work = guard.Work(), guard.Work()

    guard._glued_phrases(short, short_work)
    guard._glued_phrases(long, long_work)

    assert long_work.checksums <= guard.MAX_CHECKSUMS
    assert long_work.characters <= len(long) * len(guard._JAPANESE_WORD_LENGTHS)
    assert long_work.checksums <= 12 * short_work.checksums


def test_ordinary_paragraphs_cost_little():
    work = guard.Work()

    for paragraph in PARAGRAPHS:
        guard._glued_phrases(paragraph, work)

    # Fewer than one window scored by the segmenter a paragraph, and a checksum for fewer
    # than one character in two: the pairs of characters that make words rule most out.
    assert work.scored < len(PARAGRAPHS) / 2
    assert work.checksums < work.characters / 2
