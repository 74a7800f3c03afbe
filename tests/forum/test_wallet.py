"""The wallet context of a question: transaction hashes per network format, app version, device."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from forum.wallet import (
    TX_HASH_MAX_LENGTH,
    TxFormat,
    _base58_decode,
    normalize_app_version,
    normalize_device,
    normalize_os,
    normalize_tx_hash,
    tx_hash_help_text,
)

ETH_HASH = "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"
BSC_HASH = "0xf4a19ba4c249d8f8382fe2187bb3fbf82b0d594dee5b77137e66d417bd460220"
BTC_GENESIS_COINBASE = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"
BTC_PIZZA = "a1075db55d416d3ca199f55b6084e2115b9345e16c5cf302fc80e9d5fbf5d48d"
TRON_HASH = "779527907687401ae69f782d10de43125d57939d10c8e148664b60babee8fef4"
SOLANA_SIGNATURE_88 = (
    "5LtWkjfpnktBe5Fpyn4ua4J2JYHvPpZqiL7qLHaXsEoKLz75BXpW273fQd6Uwt2YSzo4Q9LsviYA8ZXmHwwb7jLn"
)
SOLANA_SIGNATURE_87 = (
    "a84tfB7N5nAtYAnXFpNcYVJX71CiLVzorBKX8rZtmK1Q2dnT6tB5RW4kGp6U6mRUFe3Zds58yJ4VQejy3eqZHhT"
)
# A signature whose first byte is zero: the leading 1 stands for it.
SOLANA_SIGNATURE_LEADING_ZERO = (
    "1t5UBheQ67wb9qXzoQ9cFrBsYMZ4Ew49xfQSLGruLnffBuHDpuV5n4hoQubsuTbk6669KThYntQpm3e3xrL5ash"
)
TON_HEX_HASH = "a1fbfea508be96b76ed8fad1a8c6c5526cc0ebc53b684701112d6cea88d31492"
TON_BASE64URL_HASH = "ofv-pQi-lrdu2PrRqMbFUmzA68U7aEcBES1s6ojTFJI="
TON_BASE64_HASH = "ofv+pQi+lrdu2PrRqMbFUmzA68U7aEcBES1s6ojTFJI="

EVM_ADDRESS = "0xdAC17F958D2ee523a2206206994597C13D831ec7"
TRON_ADDRESS = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
BTC_LEGACY_ADDRESS = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
BTC_P2SH_ADDRESS = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
BTC_SEGWIT_ADDRESS = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
BTC_TAPROOT_ADDRESS = "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"
LTC_ADDRESS = "LVXypszUurxjFWPopG2yD6n9WgatGEEA85"
DOGE_ADDRESS = "DJq2a9pUXvEb2Ut8aoo351U4jyJvyScRQ8"
SOLANA_ADDRESS = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
TON_ADDRESS = "EQCLlZe0nYrpsMoF9VWSpODMDzS7Hebg7XQ_Fs1UJjXt8L7B"
TON_NON_BOUNCEABLE_ADDRESS = "UQAlCievVzkhFlhlTw53sBPhjwbKBMcotc_n_c0awmUUE7QV"
TON_RAW_ADDRESS = "0:" + TON_HEX_HASH


def _error(tx_format, value) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        normalize_tx_hash(tx_format, value)
    return caught.value


@pytest.mark.parametrize(
    ("tx_format", "pasted", "stored"),
    [
        (TxFormat.EVM, ETH_HASH, ETH_HASH),
        (TxFormat.EVM, ETH_HASH.upper(), ETH_HASH),
        (TxFormat.EVM, "0X" + BSC_HASH[2:].upper(), BSC_HASH),
        (TxFormat.EVM, f"  {ETH_HASH}\n", ETH_HASH),
        (TxFormat.EVM, f"{ETH_HASH[:40]}\n{ETH_HASH[40:]}", ETH_HASH),
        (TxFormat.EVM, "０ｘ" + ETH_HASH[2:], ETH_HASH),  # full-width, from a Chinese IME
        (TxFormat.EVM, f"\u200b{ETH_HASH}\ufeff", ETH_HASH),  # zero-width space, BOM
        (TxFormat.BITCOIN, BTC_GENESIS_COINBASE, BTC_GENESIS_COINBASE),
        (TxFormat.BITCOIN, BTC_PIZZA.upper(), BTC_PIZZA),
        (TxFormat.TRON, TRON_HASH, TRON_HASH),
        (TxFormat.TRON, TRON_HASH.upper(), TRON_HASH),
        (TxFormat.SOLANA, SOLANA_SIGNATURE_88, SOLANA_SIGNATURE_88),
        (TxFormat.SOLANA, SOLANA_SIGNATURE_87, SOLANA_SIGNATURE_87),
        (TxFormat.SOLANA, SOLANA_SIGNATURE_LEADING_ZERO, SOLANA_SIGNATURE_LEADING_ZERO),
        (TxFormat.TON, TON_HEX_HASH, TON_HEX_HASH),
        (TxFormat.TON, TON_HEX_HASH.upper(), TON_HEX_HASH),
        (TxFormat.TON, TON_BASE64URL_HASH, TON_BASE64URL_HASH),
        (TxFormat.TON, TON_BASE64_HASH, TON_BASE64URL_HASH),
        (TxFormat.TON, TON_BASE64URL_HASH.rstrip("="), TON_BASE64URL_HASH),
        (
            TxFormat.OTHER,
            "  XRP:E3FE6EA3D48F0C2B639448020EA4F03D4F4F8FFDB243A852A0F59177921B4879 ",
            "XRP:E3FE6EA3D48F0C2B639448020EA4F03D4F4F8FFDB243A852A0F59177921B4879",
        ),
        (TxFormat.OTHER, "a" * TX_HASH_MAX_LENGTH, "a" * TX_HASH_MAX_LENGTH),
        (TxFormat.EVM, "", ""),
        (TxFormat.SOLANA, " \n ", ""),
    ],
)
def test_a_valid_hash_is_stored_in_its_canonical_spelling(tx_format, pasted, stored):
    assert normalize_tx_hash(tx_format, pasted) == stored


def test_a_format_can_be_given_as_its_stored_value():
    assert normalize_tx_hash("evm", ETH_HASH) == ETH_HASH


@pytest.mark.parametrize(
    ("tx_format", "pasted"),
    [
        (TxFormat.EVM, ETH_HASH[:-1]),
        (TxFormat.EVM, ETH_HASH + "a"),
        (TxFormat.EVM, ETH_HASH[:-1] + "g"),
        (TxFormat.EVM, "pending"),
        (TxFormat.EVM, "0x"),
        (TxFormat.BITCOIN, BTC_PIZZA[:-2]),
        (TxFormat.BITCOIN, BTC_PIZZA + "00"),
        (TxFormat.BITCOIN, "交易哈希"),
        (TxFormat.TRON, TRON_HASH[:-1] + "z"),
        (TxFormat.SOLANA, SOLANA_SIGNATURE_88[:-1] + "0"),  # 0 is not base58
        (TxFormat.SOLANA, SOLANA_SIGNATURE_88[:-1] + "l"),  # nor is l
        (TxFormat.SOLANA, SOLANA_SIGNATURE_88[:60]),
        (TxFormat.SOLANA, SOLANA_SIGNATURE_88 + "z"),
        (TxFormat.TON, TON_BASE64URL_HASH[:-2] + "=="),
        (TxFormat.TON, TON_BASE64URL_HASH[:-2] + "J="),  # decodes, but no explorer writes it
        (TxFormat.TON, TON_HEX_HASH[:-1]),
        (TxFormat.OTHER, "hash with spaces"),
        (TxFormat.OTHER, "交易哈希"),
        (TxFormat.OTHER, "a" * (TX_HASH_MAX_LENGTH + 1)),
    ],
)
def test_an_invalid_hash_is_refused_with_the_rule_of_its_format(tx_format, pasted):
    error = _error(tx_format, pasted)
    assert error.code == "invalid"
    assert error.messages == [str(tx_hash_help_text(tx_format))]


def test_the_ethereum_rule_reads_as_a_sentence():
    assert _error(TxFormat.EVM, "pending").messages == [
        "An Ethereum-style transaction hash is 0x followed by 64 hexadecimal characters (0–9, a–f)."
    ]


@pytest.mark.parametrize("tx_format", [f for f in TxFormat if f != TxFormat.OTHER])
def test_a_long_paste_is_too_long_rather_than_malformed(tx_format):
    assert _error(tx_format, "ab" * 100).code == "too_long"


@pytest.mark.parametrize("tx_format", list(TxFormat))
def test_a_huge_paste_is_refused_before_any_parsing(tx_format):
    assert _error(tx_format, "https://etherscan.io/tx/" + "1" * 5000).code == "too_long"


@pytest.mark.parametrize(
    ("tx_format", "pasted", "says"),
    [
        (TxFormat.EVM, EVM_ADDRESS, "wallet address (0x followed by 40 characters)"),
        (TxFormat.EVM, EVM_ADDRESS.lower(), "wallet address (0x followed by 40 characters)"),
        (TxFormat.TRON, EVM_ADDRESS, "wallet address (0x followed by 40 characters)"),
        (TxFormat.TRON, TRON_ADDRESS, "TRON wallet address (it starts with T)"),
        (TxFormat.EVM, TRON_ADDRESS, "TRON wallet address (it starts with T)"),
        (TxFormat.BITCOIN, BTC_LEGACY_ADDRESS, "Bitcoin-style wallet address"),
        (TxFormat.BITCOIN, BTC_P2SH_ADDRESS, "Bitcoin-style wallet address"),
        (TxFormat.BITCOIN, BTC_SEGWIT_ADDRESS, "Bitcoin-style wallet address"),
        (TxFormat.BITCOIN, BTC_SEGWIT_ADDRESS.upper(), "Bitcoin-style wallet address"),
        (TxFormat.BITCOIN, BTC_TAPROOT_ADDRESS, "Bitcoin-style wallet address"),
        (TxFormat.BITCOIN, LTC_ADDRESS, "Bitcoin-style wallet address"),
        (TxFormat.BITCOIN, DOGE_ADDRESS, "Bitcoin-style wallet address"),
        (TxFormat.SOLANA, SOLANA_ADDRESS, "Solana wallet address"),
        (TxFormat.SOLANA, "So11111111111111111111111111111111111111112", "Solana wallet address"),
        (TxFormat.TON, TON_ADDRESS, "TON wallet address"),
        (TxFormat.TON, TON_NON_BOUNCEABLE_ADDRESS, "TON wallet address"),
        (TxFormat.TON, TON_RAW_ADDRESS, "TON wallet address"),
    ],
)
def test_an_address_pasted_instead_of_a_hash_is_named(tx_format, pasted, says):
    error = _error(tx_format, pasted)
    assert error.code == "address"
    assert says in error.messages[0]
    assert "not a transaction" in error.messages[0]


def test_a_base58check_lookalike_with_a_bad_checksum_is_not_called_an_address():
    typo = BTC_LEGACY_ADDRESS[:-1] + "b"
    assert _error(TxFormat.BITCOIN, typo).code == "invalid"


@pytest.mark.parametrize(
    ("tx_format", "pasted", "says"),
    [
        (TxFormat.TRON, ETH_HASH, "starts with 0x"),
        (TxFormat.BITCOIN, ETH_HASH.upper(), "starts with 0x"),
        (TxFormat.TON, ETH_HASH, "starts with 0x"),
        (TxFormat.SOLANA, ETH_HASH, "starts with 0x"),
        (TxFormat.EVM, TRON_HASH, "add 0x in front"),
        (TxFormat.SOLANA, BTC_PIZZA, "not a Solana signature"),
        (TxFormat.EVM, SOLANA_SIGNATURE_88, "Solana transaction signature"),
        (TxFormat.TRON, SOLANA_SIGNATURE_87, "Solana transaction signature"),
    ],
)
def test_a_hash_from_another_kind_of_network_asks_to_check_the_network(tx_format, pasted, says):
    error = _error(tx_format, pasted)
    assert error.code == "wrong_network"
    assert says in error.messages[0]
    assert "right network" in error.messages[0]


@pytest.mark.parametrize(
    ("tx_format", "link", "stored"),
    [
        (TxFormat.EVM, f"https://etherscan.io/tx/{ETH_HASH}", ETH_HASH),
        (TxFormat.EVM, f"https://bscscan.com/tx/{BSC_HASH.upper()}#eventlog", BSC_HASH),
        (TxFormat.EVM, f"etherscan.io/tx/{ETH_HASH}", ETH_HASH),
        (TxFormat.EVM, f"https://www.oklink.com/eth/tx/{ETH_HASH}", ETH_HASH),
        (TxFormat.EVM, f"https://explorer.example/search?q={ETH_HASH}", ETH_HASH),
        (TxFormat.TRON, f"https://tronscan.org/#/transaction/{TRON_HASH}", TRON_HASH),
        (TxFormat.TRON, f"https://tronscan.org/#/transaction/{TRON_HASH}?lang=zh", TRON_HASH),
        (
            TxFormat.BITCOIN,
            f"https://www.blockchain.com/explorer/transactions/btc/{BTC_PIZZA}",
            BTC_PIZZA,
        ),
        (TxFormat.BITCOIN, f"https://mempool.space/tx/{BTC_PIZZA}#vout=0", BTC_PIZZA),
        (TxFormat.BITCOIN, f"https://blockchair.com/bitcoin/transaction/{BTC_PIZZA}", BTC_PIZZA),
        (TxFormat.BITCOIN, f"https://live.blockcypher.com/btc/tx/{BTC_PIZZA}/", BTC_PIZZA),
        (
            TxFormat.SOLANA,
            f"https://solscan.io/tx/{SOLANA_SIGNATURE_88}?cluster=devnet",
            SOLANA_SIGNATURE_88,
        ),
        (
            TxFormat.SOLANA,
            f"https://explorer.solana.com/tx/{SOLANA_SIGNATURE_87}",
            SOLANA_SIGNATURE_87,
        ),
        (TxFormat.TON, f"https://tonviewer.com/transaction/{TON_HEX_HASH}", TON_HEX_HASH),
        (
            TxFormat.TON,
            "https://tonscan.org/tx/" + TON_BASE64URL_HASH.replace("=", "%3D"),
            TON_BASE64URL_HASH,
        ),
        (TxFormat.OTHER, "https://explorer.example/tx/ABC123DEF456", "ABC123DEF456"),
        (
            TxFormat.OTHER,
            f"https://www.blockchain.com/explorer/transactions/bch/{BTC_PIZZA}",
            BTC_PIZZA,
        ),
    ],
)
def test_an_explorer_link_gives_up_its_hash(tx_format, link, stored):
    assert normalize_tx_hash(tx_format, link) == stored


@pytest.mark.parametrize(
    ("tx_format", "link", "code"),
    [
        (TxFormat.EVM, f"https://etherscan.io/address/{EVM_ADDRESS}", "address"),
        (TxFormat.TRON, f"https://tronscan.org/#/address/{TRON_ADDRESS}", "address"),
        (TxFormat.BITCOIN, f"https://mempool.space/address/{BTC_SEGWIT_ADDRESS}", "address"),
        (
            TxFormat.BITCOIN,
            f"https://mempool.space/block/{BTC_GENESIS_COINBASE}",
            "link_without_hash",
        ),
        (TxFormat.EVM, f"https://etherscan.io/block/{ETH_HASH}", "link_without_hash"),
        (TxFormat.BITCOIN, f"https://etherscan.io/tx/{ETH_HASH}", "wrong_network"),
        (TxFormat.EVM, "https://etherscan.io/", "link_without_hash"),
        (TxFormat.EVM, "https://etherscan.io/tx/0x1234", "link_without_hash"),
        (TxFormat.EVM, "https://[etherscan.io/tx/" + ETH_HASH, "link_without_hash"),
        (TxFormat.OTHER, "https://explorer.example/account/abc", "link_without_hash"),
    ],
)
def test_a_link_that_is_not_to_a_transaction_says_so(tx_format, link, code):
    assert _error(tx_format, link).code == code


def test_a_link_without_a_hash_tells_where_to_find_one():
    assert _error(TxFormat.EVM, "https://etherscan.io/").messages == [
        "We could not find a transaction hash in this link. Open the transaction on the block "
        "explorer and copy its hash, or paste the link of the transaction's own page."
    ]


@pytest.mark.parametrize(
    ("encoded", "decoded_hex"),
    [
        # Vectors from Bitcoin Core's src/test/data/base58_encode_decode.json
        ("", ""),
        ("2g", "61"),
        ("a3gV", "626262"),
        ("2cFupjhnEsSn59qHXstmK2ffpLv2", "73696d706c792061206c6f6e6720737472696e67"),
        (
            "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L",
            "00eb15231dfceb60925886b67d065299925915aeb172c06647",
        ),
        ("3SEo3LWLoPntC", "bf4f89001e670274dd"),
        ("1111111111", "00000000000000000000"),
    ],
)
def test_base58_decodes_the_reference_vectors(encoded, decoded_hex):
    assert _base58_decode(encoded) == bytes.fromhex(decoded_hex)


def test_base58_refuses_characters_outside_its_alphabet():
    assert _base58_decode("0OIl") is None


_BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _base58_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits = ""
    while number:
        number, digit = divmod(number, 58)
        digits = _BASE58_ALPHABET[digit] + digits
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + digits


@given(st.binary(min_size=64, max_size=64))
def test_every_64_byte_signature_is_a_valid_solana_signature(signature):
    encoded = _base58_encode(signature)
    assert normalize_tx_hash(TxFormat.SOLANA, encoded) == encoded


@given(st.binary(min_size=32, max_size=32), st.booleans())
def test_every_32_byte_hash_is_valid_in_hex_for_the_hex_formats(digest, is_upper):
    hex_digest = digest.hex().upper() if is_upper else digest.hex()
    assert normalize_tx_hash(TxFormat.EVM, "0x" + hex_digest) == "0x" + digest.hex()
    for tx_format in (TxFormat.BITCOIN, TxFormat.TRON, TxFormat.TON):
        assert normalize_tx_hash(tx_format, hex_digest) == digest.hex()


# Text that reaches past the first checks: hash alphabets behind the prefixes people paste.
_PASTES = st.one_of(
    st.text(),
    st.builds(
        str.__add__,
        st.sampled_from(
            [
                "",
                "0x",
                "0X",
                "T",
                "bc1",
                "EQ",
                "0:",
                "v",
                "https://etherscan.io/tx/",
                "https://tronscan.org/#/transaction/",
                "https://explorer.example/search?hash=",
                "tonscan.org/tx/",
                "https://[",
            ]
        ),
        st.text(
            alphabet=_BASE58_ALPHABET + "0OIl/+-_=:?#%&.() \n\u200b０ｘ交易",
            max_size=100,
        ),
    ),
)


@given(tx_format=st.sampled_from(TxFormat), pasted=_PASTES)
def test_any_paste_gives_a_hash_or_a_validation_error(tx_format, pasted):
    try:
        stored = normalize_tx_hash(tx_format, pasted)
    except ValidationError:
        return  # anything else raised fails the test
    assert len(stored) <= TX_HASH_MAX_LENGTH
    assert normalize_tx_hash(tx_format, stored) == stored


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("5.12.3", "5.12.3"),
        ("v5.12", "5.12"),
        ("V5.12.3", "5.12.3"),
        ("Version 5.12.3", "5.12.3"),
        ("version: 5.12.3", "5.12.3"),
        ("版本 5.12.3", "5.12.3"),
        ("版本号：5.12.3", "5.12.3"),
        ("5.12.3 (build 1234)", "5.12.3 (build 1234)"),
        ("5.12.3 (Build 1234)", "5.12.3 (build 1234)"),
        ("5.12.3 (1234)", "5.12.3 (build 1234)"),
        ("5.12.3（1234）", "5.12.3 (build 1234)"),
        ("5.12.3 build 1234", "5.12.3 (build 1234)"),
        ("5.12.3+1234", "5.12.3 (build 1234)"),
        ("5.12.3-beta.2", "5.12.3-beta.2"),
        ("5.12.3 Beta 2", "5.12.3-beta.2"),
        ("5.12.3-rc1 (build 88)", "5.12.3-rc.1 (build 88)"),
        ("2024.10.1.7", "2024.10.1.7"),
        ("  5.12.3\n", "5.12.3"),
        ("", ""),
    ],
)
def test_an_app_version_is_stored_in_one_spelling(typed, stored):
    assert normalize_app_version(typed) == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("latest", "invalid"),
        ("5", "invalid"),
        ("v5", "invalid"),
        ("5.12.3.4.5", "invalid"),
        ("5.12.3 (build abc)", "invalid"),
        ("I don't know", "invalid"),
        ("٥.١٢", "invalid"),  # Arabic-Indic digits
        ("https://example.com/5.12.3", "invalid"),
        ("5.12.3" + " " * 10 + "beta" + "." * 30, "too_long"),
        # Short enough as typed, too long once spelled out.
        ("123456.123456.123456.12345+1234567890", "too_long"),
    ],
)
def test_an_app_version_without_a_version_number_is_refused(typed, code):
    with pytest.raises(ValidationError) as caught:
        normalize_app_version(typed)
    assert caught.value.code == code


def test_a_refused_app_version_shows_an_example():
    with pytest.raises(ValidationError) as caught:
        normalize_app_version("latest")
    assert "for example 5.12.3" in caught.value.messages[0]


def test_a_too_long_app_version_names_the_limit():
    with pytest.raises(ValidationError) as caught:
        normalize_app_version("1." * 30)
    assert caught.value.messages == ["A version number is at most 40 characters long."]


@given(st.text(max_size=60))
def test_any_app_version_gives_a_version_or_a_validation_error(typed):
    try:
        stored = normalize_app_version(typed)
    except ValidationError:
        return
    assert len(stored) <= 40
    assert normalize_app_version(stored) == stored


@pytest.mark.parametrize("normalize", [normalize_device, normalize_os])
@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  iPhone   15\nPro ", "iPhone 15 Pro"),
        ("华为 Mate 60 Pro", "华为 Mate 60 Pro"),
        ("Pixel\u200b 8", "Pixel 8"),
        ("Android\t14\x00", "Android 14"),
        ("", ""),
    ],
)
def test_device_and_os_are_free_text_with_tidy_whitespace(normalize, typed, stored):
    assert normalize(typed) == stored


@pytest.mark.parametrize(
    ("normalize", "says"), [(normalize_device, "device name"), (normalize_os, "operating system")]
)
def test_device_and_os_are_at_most_80_characters(normalize, says):
    assert normalize("x" * 80) == "x" * 80
    with pytest.raises(ValidationError) as caught:
        normalize("x" * 81)
    assert caught.value.messages == [f"Keep the {says} to 80 characters or fewer."]


@given(st.text())
def test_any_device_text_is_tidy_or_too_long(typed):
    try:
        stored = normalize_device(typed)
    except ValidationError:
        return
    assert stored == stored.strip()
    assert "  " not in stored
    assert normalize_device(stored) == stored
