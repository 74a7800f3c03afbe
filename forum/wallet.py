"""The wallet context a question can carry: network, app version, device, OS and transaction hash.

Pure functions, no database. Each normaliser takes what a member typed or pasted and returns
the canonical text to store, or raises ValidationError with a message the member can act on.
Blank input gives "": whether a field is required is the form's business.

Transaction hashes are checked against the format of the network the member chose. The
networks themselves are edited in the admin; each one names a TxFormat from here.
"""

import base64
import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

TX_HASH_MAX_LENGTH = 128
APP_VERSION_MAX_LENGTH = 40
DEVICE_MAX_LENGTH = 80
OS_MAX_LENGTH = 80

# A pasted explorer link is longer than a hash; past this it is neither, and we stop looking.
_PASTE_MAX_LENGTH = 2048


class TxFormat(models.TextChoices):
    """How a network writes transaction hashes. Stored on each network (max_length 16)."""

    EVM = "evm", _("EVM: 0x and 64 hex characters (Ethereum, BNB Smart Chain, Polygon, Arbitrum…)")
    BITCOIN = "bitcoin", _("Bitcoin-style: 64 hex characters (Bitcoin, Litecoin, Dogecoin…)")
    TRON = "tron", _("TRON: 64 hex characters")
    SOLANA = "solana", _("Solana: base58 signature")
    TON = "ton", _("TON: 64 hex characters or 44 characters of base64")
    OTHER = "other", _("Other: any text up to 128 characters without spaces")


_FORMAT_RULES = {
    TxFormat.EVM: _(
        "An Ethereum-style transaction hash is 0x followed by 64 hexadecimal characters (0–9, a–f)."
    ),
    TxFormat.BITCOIN: _(
        "A Bitcoin-style transaction ID is 64 hexadecimal characters (0–9, a–f), without 0x."
    ),
    TxFormat.TRON: _(
        "A TRON transaction hash is 64 hexadecimal characters (0–9, a–f), without 0x."
    ),
    TxFormat.SOLANA: _(
        "A Solana transaction signature is a string of letters and digits, usually 87 or 88 "
        "characters long."
    ),
    TxFormat.TON: _(
        "A TON transaction hash is 64 hexadecimal characters, or 44 characters of base64 as "
        "some TON explorers show it."
    ),
    TxFormat.OTHER: _(
        "A transaction hash is up to 128 letters, digits and symbols, without spaces."
    ),
}

_TOO_LONG = _("This is too long to be a transaction hash. Paste only the hash.")
_LINK_WITHOUT_HASH = _(
    "We could not find a transaction hash in this link. Open the transaction on the block "
    "explorer and copy its hash, or paste the link of the transaction's own page."
)
_EVM_ADDRESS = _(
    "This looks like a wallet address (0x followed by 40 characters), not a transaction hash. "
    "Open the transaction in your wallet's history and copy its hash instead."
)
_TRON_ADDRESS = _(
    "This looks like a TRON wallet address (it starts with T), not a transaction hash. "
    "Open the transaction in your wallet's history and copy its hash instead."
)
_BITCOIN_ADDRESS = _(
    "This looks like a Bitcoin-style wallet address, not a transaction ID. "
    "Open the transaction in your wallet's history and copy its ID instead."
)
_SOLANA_ADDRESS = _(
    "This looks like a Solana wallet address, not a transaction signature. "
    "Open the transaction in your wallet's history and copy its signature instead."
)
_TON_ADDRESS = _(
    "This looks like a TON wallet address, not a transaction hash. "
    "Open the transaction in your wallet's history and copy its hash instead."
)
_EVM_HASH_ON_OTHER_NETWORK = _(
    "This hash starts with 0x, which is how Ethereum-style networks write hashes. Check that "
    "you chose the right network; if the hash really is from this one, remove the 0x."
)
_HEX_HASH_WITHOUT_0X = _(
    "Ethereum-style transaction hashes start with 0x. A hash without it usually comes from "
    "another network, such as TRON or Bitcoin: check that you chose the right network. If the "
    "hash really is from this one, add 0x in front of it."
)
_HEX_HASH_ON_SOLANA = _(
    "This looks like a hash from a network such as Bitcoin or TRON, not a Solana signature. "
    "Check that you chose the right network."
)
_SOLANA_SIGNATURE_ON_OTHER_NETWORK = _(
    "This looks like a Solana transaction signature. Check that you chose the right network."
)

_HEX_64 = re.compile(r"[0-9a-f]{64}", re.ASCII | re.IGNORECASE)
_EVM_HASH = re.compile(r"0x[0-9a-f]{64}", re.ASCII | re.IGNORECASE)
_EVM_ADDRESS_SHAPE = re.compile(r"0x[0-9a-f]{40}", re.ASCII | re.IGNORECASE)
_BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_VALUES = {char: value for value, char in enumerate(_BASE58_ALPHABET)}
_TRON_ADDRESS_SHAPE = re.compile(f"T[{_BASE58_ALPHABET}]{{33}}")
_BECH32_ADDRESS_SHAPE = re.compile(
    r"(bc|tb|ltc|tltc)1[02-9ac-hj-np-z]{8,87}", re.ASCII | re.IGNORECASE
)
_TON_RAW_ADDRESS_SHAPE = re.compile(r"-?\d{1,3}:[0-9a-f]{64}", re.ASCII | re.IGNORECASE)
# Flag byte of a user-friendly TON address: bounceable or not, mainnet or testnet.
_TON_ADDRESS_TAGS = {0x11, 0x51, 0x91, 0xD1}
_BASE64_CHARS = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")
_OTHER_HASH = re.compile(r"[!-~]{1,128}")  # printable ASCII, no space

_LINK = re.compile(r"[a-z][a-z0-9+.-]*://|[a-z0-9-]+(\.[a-z0-9-]+)+/", re.ASCII | re.IGNORECASE)
_TRANSACTION_PAGE_WORDS = {"tx", "txs", "txn", "transaction", "transactions"}
_OTHER_PAGE_WORDS = {"block", "blocks", "address", "addresses", "account", "token", "tokens"}


def tx_hash_help_text(tx_format: str) -> str:
    """One sentence telling what a transaction hash of this format looks like."""
    return _FORMAT_RULES[TxFormat(tx_format)]


def normalize_tx_hash(tx_format: str, value: str) -> str:
    """Return the hash in value, in the canonical spelling of tx_format.

    Hex is lowercased (EVM keeps its 0x prefix), whitespace that a copy broke the hash with is
    dropped, and a block explorer link gives up the hash it points to. Raises ValidationError
    with a specific message for an address pasted instead of a hash, a hash that belongs to
    another kind of network, or anything else that does not fit; its code is one of invalid,
    address, wrong_network, link_without_hash and too_long.
    """
    tx_format = TxFormat(tx_format)
    if len(value) > _PASTE_MAX_LENGTH:
        raise ValidationError(_TOO_LONG, code="too_long")
    text = _clean_paste(value)
    # Known formats have no whitespace: any inside comes from a copy that wrapped the line.
    text = text.strip() if tx_format == TxFormat.OTHER else "".join(text.split())
    if not text:
        return ""
    if _LINK.match(text):
        return _hash_from_link(tx_format, text)
    return _check_hash(tx_format, text)


def _check_hash(tx_format: TxFormat, text: str) -> str:
    normalized = _match_format(tx_format, text)
    if normalized is not None:
        return normalized
    raise _explain_mismatch(tx_format, text)


def _match_format(tx_format: TxFormat, text: str) -> str | None:
    """The canonical spelling of text if it is a valid hash of tx_format, else None."""
    match tx_format:
        case TxFormat.EVM:
            return text.lower() if _EVM_HASH.fullmatch(text) else None
        case TxFormat.BITCOIN | TxFormat.TRON:
            return text.lower() if _HEX_64.fullmatch(text) else None
        case TxFormat.SOLANA:
            return text if _is_solana_signature(text) else None
        case TxFormat.TON:
            if _HEX_64.fullmatch(text):
                return text.lower()
            return _ton_base64_hash(text)
        case TxFormat.OTHER:
            return text if _OTHER_HASH.fullmatch(text) else None


def _explain_mismatch(tx_format: TxFormat, text: str) -> ValidationError:
    if tx_format != TxFormat.OTHER:
        if len(text) > TX_HASH_MAX_LENGTH:
            return ValidationError(_TOO_LONG, code="too_long")
        mistake = _recognise_mistake(tx_format, text)
        if mistake is not None:
            return mistake
    return ValidationError(_FORMAT_RULES[tx_format], code="invalid")


def _recognise_mistake(tx_format: TxFormat, text: str) -> ValidationError | None:
    """An error naming what text is instead of a hash of tx_format, when we can tell."""
    if _EVM_ADDRESS_SHAPE.fullmatch(text):
        return ValidationError(_EVM_ADDRESS, code="address")
    if _TRON_ADDRESS_SHAPE.fullmatch(text):
        return ValidationError(_TRON_ADDRESS, code="address")
    if _is_ton_address(text):
        return ValidationError(_TON_ADDRESS, code="address")
    if _BECH32_ADDRESS_SHAPE.fullmatch(text) or _is_base58check_address(text):
        return ValidationError(_BITCOIN_ADDRESS, code="address")
    if _is_solana_address(text):
        return ValidationError(_SOLANA_ADDRESS, code="address")
    if _EVM_HASH.fullmatch(text) and tx_format != TxFormat.EVM:
        return ValidationError(_EVM_HASH_ON_OTHER_NETWORK, code="wrong_network")
    if _HEX_64.fullmatch(text) and tx_format == TxFormat.EVM:
        return ValidationError(_HEX_HASH_WITHOUT_0X, code="wrong_network")
    if _HEX_64.fullmatch(text) and tx_format == TxFormat.SOLANA:
        return ValidationError(_HEX_HASH_ON_SOLANA, code="wrong_network")
    if tx_format != TxFormat.SOLANA and _is_solana_signature(text):
        return ValidationError(_SOLANA_SIGNATURE_ON_OTHER_NETWORK, code="wrong_network")
    return None


def _hash_from_link(tx_format: TxFormat, link: str) -> str:
    """The hash in a block explorer link, e.g. https://etherscan.io/tx/0x…

    Explorers put the hash after a word such as tx or transaction, in the path or, for
    tronscan, in the #fragment. Without such a word any part may hold it, except on a block,
    address or token page, where a 64-hex part is a block hash or similar, not a transaction.
    """
    try:
        parts = urlsplit(link if "://" in link else f"https://{link}")
    except ValueError:  # e.g. an unclosed [ in the host
        raise ValidationError(_LINK_WITHOUT_HASH, code="link_without_hash") from None
    fragment_path, _sep, fragment_query = parts.fragment.partition("?")
    segments = [
        unquote(segment)
        for segment in [*parts.path.split("/"), *fragment_path.split("/")]
        if segment
    ]
    page_words = [segment.lower() for segment in segments]
    after_word = [
        index + 1 for index, word in enumerate(page_words) if word in _TRANSACTION_PAGE_WORDS
    ]
    if after_word:
        candidates = segments[after_word[-1] :]
        is_transaction_page = True
    else:
        query = [value for _key, value in parse_qsl(f"{parts.query}&{fragment_query}")]
        candidates = segments + query
        is_transaction_page = not _OTHER_PAGE_WORDS.intersection(page_words)

    if tx_format == TxFormat.OTHER:
        # We do not know this network's hashes: take the longest part of a transaction page.
        if after_word and candidates:
            return _check_hash(tx_format, max(candidates, key=len))
        raise ValidationError(_LINK_WITHOUT_HASH, code="link_without_hash")

    if is_transaction_page:
        for candidate in candidates:
            normalized = _match_format(tx_format, candidate)
            if normalized is not None:
                return normalized
    for candidate in candidates:
        mistake = _recognise_mistake(tx_format, candidate)
        if mistake is not None:
            raise mistake
    raise ValidationError(_LINK_WITHOUT_HASH, code="link_without_hash")


def _clean_paste(value: str) -> str:
    """Undo what copying from chat apps and Chinese input methods does to a hash.

    NFKC turns full-width ０ｘ into 0x; zero-width spaces, direction marks and byte-order marks
    are invisible but break every comparison.
    """
    text = unicodedata.normalize("NFKC", value)
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def _base58_decode(text: str) -> bytes | None:
    """Bytes of Bitcoin-alphabet base58 text, or None if a character is not in the alphabet.

    Ten lines of our own instead of the base58 package: we only decode, to check lengths and
    checksums, and callers bound the input length (decoding is quadratic in it).
    """
    number = 0
    for char in text:
        digit = _BASE58_VALUES.get(char)
        if digit is None:
            return None
        number = number * 58 + digit
    leading_zero_bytes = len(text) - len(text.lstrip("1"))
    return b"\0" * leading_zero_bytes + number.to_bytes((number.bit_length() + 7) // 8, "big")


def _is_solana_signature(text: str) -> bool:
    # 64 bytes never take more than 88 base58 characters.
    if len(text) > 88:
        return False
    decoded = _base58_decode(text)
    return decoded is not None and len(decoded) == 64


def _is_solana_address(text: str) -> bool:
    if not 32 <= len(text) <= 44:
        return False
    decoded = _base58_decode(text)
    return decoded is not None and len(decoded) == 32


def _is_base58check_address(text: str) -> bool:
    """A legacy Bitcoin, Litecoin or Dogecoin address: version, 20-byte hash, checksum."""
    if not 25 <= len(text) <= 35:
        return False
    decoded = _base58_decode(text)
    if decoded is None or len(decoded) != 25:
        return False
    payload, checksum = decoded[:21], decoded[21:]
    return hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] == checksum


def _base64_bytes(text: str) -> bytes | None:
    """Bytes of base64 in either alphabet, padded or not, or None if it is not canonical."""
    if not _BASE64_CHARS.fullmatch(text):
        return None
    url_safe = text.rstrip("=").replace("+", "-").replace("/", "_")
    try:
        decoded = base64.urlsafe_b64decode(url_safe + "=" * (-len(url_safe) % 4))
    except ValueError:
        return None
    # Reject spellings that decode but that no explorer writes (stray low bits, bad padding).
    if base64.urlsafe_b64encode(decoded).decode().rstrip("=") != url_safe:
        return None
    return decoded


def _ton_base64_hash(text: str) -> str | None:
    """A 32-byte TON hash written in base64, as base64url with its = padding."""
    if len(text) not in (43, 44):
        return None
    decoded = _base64_bytes(text)
    if decoded is None or len(decoded) != 32:
        return None
    return base64.urlsafe_b64encode(decoded).decode()


def _is_ton_address(text: str) -> bool:
    if _TON_RAW_ADDRESS_SHAPE.fullmatch(text):
        return True
    if len(text) != 48:
        return False
    decoded = _base64_bytes(text)
    return decoded is not None and len(decoded) == 36 and decoded[0] in _TON_ADDRESS_TAGS


_APP_VERSION = re.compile(
    r"""
    (?:v|ver|version|版本号?)?\s*:?\s*                  # v5.12, Version: 5.12, 版本 5.12
    (?P<number>\d{1,6}(?:\.\d{1,6}){1,3})               # 5.12 to 5.12.3.1
    (?:[\s-]?(?P<stage>alpha|beta|rc|dev)               # 5.12.3-beta.2, 5.12.3 RC1
       (?:[\s.-]?(?P<stage_number>\d{1,6}))?)?
    (?:\s*(?:
        \(\s*(?:build\s*:?\s*)?(?P<build>\d{1,12})\s*\) # (build 1234), (1234)
        | (?:build\s*:?|\+)\s*(?P<plain_build>\d{1,12}) # build 1234, +1234
    ))?
    """,
    re.ASCII | re.IGNORECASE | re.VERBOSE,  # ASCII: \d is 0-9, not every script's digits
)


def normalize_app_version(value: str) -> str:
    """Return the wallet app version as 5.12.3, 5.12.3-beta.2 or 5.12.3 (build 1234).

    Accepts a leading v or "version", and the build number in brackets, after "build" or
    after +. Raises ValidationError for anything without a dotted version number.
    """
    text = " ".join(_clean_paste(value).split())
    if not text:
        return ""
    if len(text) > APP_VERSION_MAX_LENGTH:
        raise _app_version_too_long()
    match = _APP_VERSION.fullmatch(text)
    if match is None:
        raise ValidationError(
            _(
                "Enter the version number shown in the app's settings, for example 5.12.3 "
                "or 5.12.3 (build 1234)."
            ),
            code="invalid",
        )
    normalized = match["number"]
    if match["stage"]:
        normalized += f"-{match['stage'].lower()}"
        if match["stage_number"]:
            normalized += f".{match['stage_number']}"
    build = match["build"] or match["plain_build"]
    if build:
        normalized += f" (build {build})"
    if len(normalized) > APP_VERSION_MAX_LENGTH:
        raise _app_version_too_long()
    return normalized


def _app_version_too_long() -> ValidationError:
    return ValidationError(
        _("A version number is at most %(limit)d characters long."),
        code="too_long",
        params={"limit": APP_VERSION_MAX_LENGTH},
    )


def normalize_device(value: str) -> str:
    """Return the device name (free text, e.g. "iPhone 15 Pro") with its whitespace tidied."""
    text = _tidy_free_text(value)
    if len(text) > DEVICE_MAX_LENGTH:
        raise ValidationError(
            _("Keep the device name to %(limit)d characters or fewer."),
            code="too_long",
            params={"limit": DEVICE_MAX_LENGTH},
        )
    return text


def normalize_os(value: str) -> str:
    """Return the operating system (free text, e.g. "Android 14") with its whitespace tidied."""
    text = _tidy_free_text(value)
    if len(text) > OS_MAX_LENGTH:
        raise ValidationError(
            _("Keep the operating system to %(limit)d characters or fewer."),
            code="too_long",
            params={"limit": OS_MAX_LENGTH},
        )
    return text


def _tidy_free_text(value: str) -> str:
    """Collapse runs of whitespace to one space and drop invisible control characters."""
    visible = []
    for char in unicodedata.normalize("NFC", value):
        category = unicodedata.category(char)
        if category == "Cc":
            visible.append(" ")
        elif category != "Cf":
            visible.append(char)
    return " ".join("".join(visible).split())
