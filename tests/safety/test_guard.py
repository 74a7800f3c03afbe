"""safety.guard: what the secret guard refuses, what it lets through, and how fast.

The two tables are the acceptance suite of issue 7: REFUSED (recovery phrases in every
wordlist and layout people use, WIF keys, extended private keys, labelled hex keys) and
PASSES (what wallet users really write: questions in English and Chinese, addresses,
hashes in explorer links, xpubs, code, lists and poems of ordinary words). HASHES are
the bare 64-hex strings that pass once the poster confirms they are transaction hashes.

Every phrase and key here was made for these tests from fixed seeds; none holds funds.
"""

import re

import pytest
from django.test import RequestFactory
from django.views.debug import ExceptionReporter

from safety import guard
from safety.error_reports import SecretScrubbingReporterFilter
from safety.guard import REDACTED, Kind, find_secrets, has_secret, redact, refused
from tests.secret_samples import (
    CS_12,
    EN_12,
    EN_15,
    EN_18,
    EN_21,
    EN_24,
    ES_12,
    FR_12,
    HEX_KEY,
    IT_12,
    JA_12,
    KO_12,
    PT_12,
    TPRV,
    TV1_XPRV,
    TV1_XPUB,
    TX_HASH,
    WIKI_WIF,
    YPRV,
    YPUB,
    ZH_12,
    ZH_24,
    ZH_TW_12,
    ZPRV,
    ZPUB,
    wif,
)


def words(phrase: str) -> list[str]:
    return phrase.split()


def numbered(phrase: str, pattern: str, joiner: str = "\n") -> str:
    return joiner.join(pattern.format(n=n, w=w) for n, w in enumerate(words(phrase), 1))


def table(phrase: str) -> str:
    rows = [f"| {n} | {w} |" for n, w in enumerate(words(phrase), 1)]
    return "\n".join(["| # | word |", "|---|---|", *rows])


def grid(phrase: str, columns: int = 4) -> str:
    items = words(phrase)
    return "\n".join(
        "| " + " | ".join(items[i : i + columns]) + " |" for i in range(0, len(items), columns)
    )


def fenced(text: str) -> str:
    return f"```\n{text}\n```"


def typo(phrase: str, *positions: int) -> str:
    """The phrase with the words at `positions` mistyped (a letter doubled, one dropped)."""
    items = words(phrase)
    for position in positions:
        word = items[position]
        items[position] = word + word[-1] if position % 2 else word[1:]
    return " ".join(items)


def secret(text: str, kind: Kind, case_id: str, secret_text: str | None = None):
    """A refused case: the text, the kind found, and the secret that must not survive."""
    return pytest.param(text, kind, secret_text or text, id=case_id)


P = Kind.RECOVERY_PHRASE
REFUSED = [
    # English, every layout.
    secret(EN_12, P, "en-12-spaces"),
    secret(EN_15, P, "en-15-spaces"),
    secret(EN_18, P, "en-18-spaces"),
    secret(EN_21, P, "en-21-spaces"),
    secret(EN_24, P, "en-24-spaces"),
    secret(", ".join(words(EN_12)), P, "en-commas", EN_12),
    secret(",".join(words(EN_12)), P, "en-commas-no-space", EN_12),
    secret("; ".join(words(EN_12)), P, "en-semicolons", EN_12),
    secret("\n".join(words(EN_12)), P, "en-one-per-line", EN_12),
    secret("\t".join(words(EN_12)), P, "en-tabs", EN_12),
    secret(" - ".join(words(EN_12)), P, "en-dashes", EN_12),
    secret(numbered(EN_12, "{n}. {w}"), P, "en-numbered-dot", EN_12),
    secret(numbered(EN_12, "{n}) {w}", " "), P, "en-numbered-paren-inline", EN_12),
    secret(numbered(EN_12, "{n}、{w}"), P, "en-numbered-ideographic-comma", EN_12),
    secret(numbered(EN_12, "({n}) {w}", " "), P, "en-numbered-both-parens", EN_12),
    secret(numbered(EN_12, "#{n} {w}"), P, "en-numbered-hash", EN_12),
    secret(numbered(EN_12, "{n:02d}.{w}", " "), P, "en-numbered-no-space", EN_12),
    secret(numbered(EN_24, "{n}. {w}"), P, "en-24-numbered", EN_24),
    secret(numbered(EN_12, "- {w}"), P, "en-bullets", EN_12),
    secret(numbered(EN_12, "> {w}"), P, "en-quoted", EN_12),
    secret(table(EN_12), P, "en-markdown-table", EN_12),
    secret(grid(EN_12), P, "en-grid-3x4", EN_12),
    secret(grid(EN_24, 6), P, "en-24-grid-4x6", EN_24),
    secret(fenced(EN_12), P, "en-code-block", EN_12),
    secret(fenced(numbered(EN_12, "{n}. {w}")), P, "en-code-block-numbered", EN_12),
    secret(f"`{EN_12}`", P, "en-inline-code", EN_12),
    secret("<br>".join(words(EN_12)), P, "en-html-breaks", EN_12),
    secret(str(words(EN_12)).replace("'", '"'), P, "en-json-array", EN_12),
    secret(EN_12.upper(), P, "en-capitals", EN_12),
    secret(EN_12.title(), P, "en-title-case", EN_12),
    secret(
        " ".join(w.upper() if i % 3 else w for i, w in enumerate(words(EN_12))),
        P,
        "en-mixed-case",
        EN_12,
    ),
    secret(typo(EN_12, 4), P, "en-one-typo", EN_12),
    # A checksum-valid phrase is one whatever its words (issue 15).
    secret(" ".join(["abandon"] * 11 + ["about"]), P, "en-abandon-about"),
    secret("word " * 60, P, "en-word-repeated-checksum-valid", "word"),
    secret(typo(EN_12, 3, 8), P, "en-two-typos", EN_12),
    secret(typo(EN_24, 0, 1, 20), P, "en-24-three-typos-spread", EN_24),
    secret(" ".join(["①②③④⑤⑥⑦⑧⑨⑩⑪⑫"[i] + w for i, w in enumerate(words(EN_12))]), P, "en-circled"),
    secret(
        "".join(chr(ord(c) + 0xFEE0) if c != " " else "\u3000" for c in EN_12),
        P,
        "en-full-width",
        EN_12,
    ),
    secret(
        f"Hi, my wallet shows 0 balance. My seed phrase is {EN_12}, please help me get it back",
        P,
        "en-inside-a-question",
        EN_12,
    ),
    secret(
        f"{EN_24[: EN_24.index(' shed')]}\n{EN_24[EN_24.index('shed') :]}",
        P,
        "en-24-two-lines",
        EN_24,
    ),
    # Chinese (simplified and traditional): characters standing apart.
    secret(ZH_12, P, "zh-spaces"),
    secret(ZH_24, P, "zh-24-spaces"),
    secret("、".join(words(ZH_12)), P, "zh-ideographic-commas", ZH_12),
    secret("，".join(words(ZH_12)), P, "zh-full-width-commas", ZH_12),
    secret(numbered(ZH_12, "{n}、{w}"), P, "zh-numbered", ZH_12),
    secret(numbered(ZH_12, "{n}. {w}", " "), P, "zh-numbered-inline", ZH_12),
    secret(
        "\n".join(
            f"{'一二三四五六七八九十'[n - 1] if n <= 10 else '十' + '一二'[n - 11]}、{w}"
            for n, w in enumerate(words(ZH_12), 1)
        ),
        P,
        "zh-chinese-numerals",
        ZH_12,
    ),
    secret("\n".join(words(ZH_12)), P, "zh-one-per-line", ZH_12),
    secret(table(ZH_12), P, "zh-table", ZH_12),
    secret(fenced(ZH_24), P, "zh-24-code-block", ZH_24),
    secret(f"我的助记词是：{ZH_12}，请帮我找回资产", P, "zh-inside-a-question", ZH_12),
    # Typed without separators (issue 15; many more in test_secrets_glued.py).
    secret(
        "我的助记词是的三欧三考于据保量损破战，怎么办", P, "zh-glued", "的三欧三考于据保量损破战"
    ),
    secret(ZH_12.replace(" ", ""), P, "zh-glued-alone", ZH_12.replace(" ", "")),
    secret(ZH_TW_12.replace(" ", ""), P, "zh-hant-glued", ZH_TW_12.replace(" ", "")),
    secret(
        f"復元フレーズは{JA_12.replace(chr(0x3000), '')}です",
        P,
        "ja-glued",
        JA_12.replace(chr(0x3000), ""),
    ),
    secret(ZH_12.replace("幼", "龘"), P, "zh-one-wrong-character", ZH_12.replace("幼", "")),
    secret(ZH_TW_12, P, "zh-hant-spaces"),
    secret("、".join(words(ZH_TW_12)), P, "zh-hant-commas", ZH_TW_12),
    secret(numbered(ZH_TW_12, "{n}. {w}"), P, "zh-hant-numbered", ZH_TW_12),
    secret(grid(ZH_TW_12, 3), P, "zh-hant-grid", ZH_TW_12),
    # Japanese (ideographic spaces, as the wordlist has them), Korean.
    secret(JA_12, P, "ja-ideographic-spaces"),
    secret(JA_12.replace("\u3000", " "), P, "ja-spaces", JA_12),
    secret(numbered(JA_12.replace("\u3000", " "), "{n}. {w}"), P, "ja-numbered", JA_12),
    secret(KO_12, P, "ko-spaces"),
    # Spanish (with and without accents) and the other Latin-script wordlists.
    secret(ES_12, P, "es-spaces"),
    secret(ES_12.replace("á", "a"), P, "es-without-accents", ES_12),
    secret(numbered(ES_12, "{n}) {w}"), P, "es-numbered", ES_12),
    secret(ES_12.upper(), P, "es-capitals", ES_12),
    secret(f"Mi frase semilla es: {ES_12}. ¿Qué hago?", P, "es-inside-a-question", ES_12),
    secret(FR_12, P, "fr-spaces"),
    secret(IT_12, P, "it-spaces"),
    secret(PT_12, P, "pt-spaces"),
    secret(CS_12, P, "cs-spaces"),
    # WIF private keys: mainnet and testnet, compressed and not, and another coin's.
    secret(WIKI_WIF, Kind.WIF, "wif-wiki-example"),
    secret(wif(1, compressed=False), Kind.WIF, "wif-mainnet-uncompressed"),
    secret(wif(0), Kind.WIF, "wif-mainnet-compressed-L"),
    secret(wif(4), Kind.WIF, "wif-mainnet-compressed-K"),
    secret(wif(2, version=0xEF, compressed=False), Kind.WIF, "wif-testnet-uncompressed"),
    secret(wif(3, version=0xEF), Kind.WIF, "wif-testnet-compressed"),
    secret(wif(5, version=0xB0), Kind.WIF, "wif-litecoin"),
    secret(
        f"I imported this key: {wif(6)} but the balance is 0", Kind.WIF, "wif-in-a-sentence", wif(6)
    ),
    secret(fenced(f"WIF={wif(7)}"), Kind.WIF, "wif-in-code", wif(7)),
    # Extended private keys.
    secret(TV1_XPRV, Kind.XPRV, "xprv"),
    secret(YPRV, Kind.XPRV, "yprv"),
    secret(ZPRV, Kind.XPRV, "zprv"),
    secret(TPRV, Kind.XPRV, "tprv"),
    secret(
        f"Electrum shows this master key: {ZPRV}. Is it safe?",
        Kind.XPRV,
        "zprv-in-a-sentence",
        ZPRV,
    ),
    # Hex keys with a label.
    secret(f"private key: {HEX_KEY}", Kind.LABELLED_HEX_KEY, "hex-private-key-colon", HEX_KEY),
    secret(f"Private Key = 0x{HEX_KEY}", Kind.LABELLED_HEX_KEY, "hex-0x-equals", HEX_KEY),
    secret(
        f"my private key is {HEX_KEY.upper()}",
        Kind.LABELLED_HEX_KEY,
        "hex-is-capitals",
        HEX_KEY.upper(),
    ),
    secret(f'{{"privateKey": "0x{HEX_KEY}"}}', Kind.LABELLED_HEX_KEY, "hex-json", HEX_KEY),
    secret(f"私钥：{HEX_KEY}", Kind.LABELLED_HEX_KEY, "hex-zh-label", HEX_KEY),
    secret(f"我的私鑰是 {HEX_KEY}", Kind.LABELLED_HEX_KEY, "hex-zh-hant-label", HEX_KEY),
    secret(
        f"Private key:\n```\n{HEX_KEY}\n```", Kind.LABELLED_HEX_KEY, "hex-label-above-code", HEX_KEY
    ),
    secret(f"clave privada: {HEX_KEY}", Kind.LABELLED_HEX_KEY, "hex-es-label", HEX_KEY),
]


def ok(text: str, case_id: str):
    return pytest.param(text, id=case_id)


POEM = """The morning light comes over the hill,
and I walk down to the river still.
The water runs so cold and clear,
my father used to fish right here.
He told me stories of the sea,
of ships and storms and a lemon tree.
We ate our bread beside the door,
and watched the rain come in once more.
The garden grew with every spring,
the children learned a song to sing.
My mother kept a little shop,
she sold us sugar, salt and soap.
At night the stars were shining bright,
we counted them by candle light.
Now I am old and far away,
I think of home at end of day.
The city noise is never done,
I miss the fields, I miss the sun.
But when I close my eyes to sleep,
those simple memories I keep.
A bird, a tree, a winding road,
a heavy and a gentle load.
And one day soon I will return,
to see the fire and watch it burn."""

PASSES = [
    # Wallet-support questions in English.
    ok(
        "I tried to send some money to my exchange but the wallet shows pending for two hours. "
        "What should I do?",
        "en-pending-transfer",
    ),
    ok(
        "After the update my balance shows zero, but the explorer still shows my tokens. Do I "
        "need to add the token again or is my wallet broken?",
        "en-balance-zero",
    ),
    ok(
        "How do I back up my wallet? The app asks me to write down twelve words, where should I "
        "keep them and is it safe to take a photo?",
        "en-backup-question",
    ),
    ok(
        "Someone on Telegram who said he was support asked for my recovery phrase. I did not "
        "give it. Is this a scam?",
        "en-scam-report",
    ),
    ok(
        "Never share your seed phrase, private key or keystore password with anyone. Staff will "
        "never ask for them, never message you first, and only answer here.",
        "en-safety-advice",
    ),
    ok(
        "Swap failed with 'insufficient funds for gas' although I have 0.02 ETH. The approve "
        "step worked, the swap did not. Network: Arbitrum, app version 5.12.1.",
        "en-gas-error",
    ),
    ok(
        "I want to move my USDT from TRON to BNB Smart Chain. Which bridge do you recommend and "
        "how much energy or bandwidth will it cost?",
        "en-bridge-question",
    ),
    ok(
        "The app crashes when I open the DApp browser on Android 14 (Pixel 7). I cleared the "
        "cache and reinstalled, it still crashes right after the splash screen.",
        "en-crash-report",
    ),
    ok(
        "My transfer to Binance arrived but without the memo, and now support there says they "
        "cannot find it. Can you help me get the deposit credited?",
        "en-missing-memo",
    ),
    ok(
        "Steps I tried:\n1. Restarted the phone\n2. Switched from Wi-Fi to mobile data\n"
        "3. Updated the app\n4. Re-added the token\n5. Checked the explorer\nNothing helped.",
        "en-numbered-steps",
    ),
    ok(
        "I have a wallet with a lot of tokens: USDT, USDC, ETH, BNB, TRX, SOL, MATIC, ARB, OP, "
        "AVAX, DAI, LINK. Why is only half of them shown?",
        "en-token-list",
    ),
    ok("Balance: 12.5 USDT\nFee: 1 TRX\nStatus: pending\nConfirmations: 0/19", "en-fields"),
    # Wallet-support questions in Chinese.
    ok(
        "我昨天从交易所提币到钱包，但是一直显示等待确认，区块浏览器上也查不到这笔交易，请问怎么办？",
        "zh-pending",
    ),
    ok(
        "更新以后余额显示为零，但是区块浏览器上能看到资产，请问是不是需要重新添加代币？",
        "zh-balance-zero",
    ),
    ok("有人冒充客服私信我，让我提供助记词，说是要帮我解冻账户。这是诈骗吗？", "zh-scam-report"),
    ok(
        "转账USDT到币安，显示成功了，但是交易所那边一直没有到账，已经过了3天。",
        "zh-deposit-missing",
    ),
    ok("请问怎么备份钱包？我把12个单词抄在纸上了，还需要做什么吗？", "zh-backup"),
    ok("闪兑失败，提示手续费不足，可是我钱包里还有10个TRX，能量也够。", "zh-swap-failed"),
    ok(
        "我的操作步骤：\n1. 打开钱包\n2. 点击转账\n3. 输入地址和金额\n4. 确认\n结果一直转圈。",
        "zh-steps",
    ),
    ok(
        "1月、2月、3月、4月、5月、6月、7月、8月、9月、10月、11月、12月的账单都在这里。", "zh-months"
    ),
    ok("等了3天，4个小时，5分钟，6秒，还是没到账，1个USDT都没有。", "zh-counts"),
    ok(
        "我用的是安卓手机，版本是5.12，网络是波场。昨天晚上八点转的，到现在还没到。",
        "zh-device-details",
    ),
    ok("冷钱包和热钱包有什么区别？硬件钱包是不是更安全？", "zh-cold-wallet"),
    ok(
        "床前明月光，疑是地上霜。举头望明月，低头思故乡。白日依山尽，黄河入海流。欲穷千里目，更上一层楼。",
        "zh-classical-poem",
    ),
    ok(
        "請問怎麼把錢包裡的資產轉到交易所？我試了好幾次都失敗了，顯示網路錯誤。", "zh-hant-question"
    ),
    ok(
        "水果清单：苹果、香蕉、橙子、葡萄、西瓜、草莓、芒果、菠萝、樱桃、柠檬、桃子、梨子",
        "zh-list-of-words",
    ),
    # Other languages' prose.
    ok(
        "ウォレットから取引所に送金しましたが、まだ届いていません。どうすればいいですか？",
        "ja-question",
    ),
    ok("지갑에서 거래소로 송금했는데 아직 도착하지 않았습니다. 어떻게 해야 하나요?", "ko-question"),
    ok(
        "Envié USDT desde mi billetera a un exchange y la transacción sigue pendiente desde "
        "hace dos horas. ¿Qué puedo hacer?",
        "es-question",
    ),
    ok(
        "J'ai envoyé des jetons vers mon portefeuille mais le solde reste à zéro depuis hier. "
        "Que faire ?",
        "fr-question",
    ),
    # Addresses: public, always fine.
    ok("Send to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa please", "btc-legacy-address"),
    ok("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "btc-p2sh-address"),
    ok("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "btc-bech32-address"),
    ok("bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297", "btc-taproot-address"),
    ok("My ETH address is 0xde0B295669a9FD93d5F28D9Ec85E40f4cb697BAe", "eth-address"),
    ok("USDT contract on TRON: TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "tron-address"),
    ok(
        "Sent from TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7 to TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
        "tron-two-addresses",
    ),
    ok("9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM", "solana-address"),
    ok("LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9", "litecoin-address"),
    ok(
        "Solana signature: 5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3Z"
        "pRzrFmBV6UjKdiSZkQUW",
        "solana-signature",
    ),
    # Hashes in explorer links (no confirmation needed), and other hex that is not 64 long.
    ok(f"https://tronscan.org/#/transaction/{TX_HASH}", "tronscan-link"),
    ok(f"See https://etherscan.io/tx/0x{TX_HASH} for the swap", "etherscan-link"),
    ok(f"https://mempool.space/tx/{TX_HASH}", "mempool-link"),
    ok(f"https://bscscan.com/tx/0x{TX_HASH}?hash=1", "bscscan-link"),
    # Hashes with a label that says so (issue 15): public, no question asked.
    ok(f"TRON tx hash: {TX_HASH}", "tx-labelled"),
    ok(f"交易哈希：{TX_HASH}", "tx-labelled-zh"),
    ok(f"txid {TX_HASH.upper()}", "txid-capital-hex"),
    ok("0x" + "ab" * 33, "compressed-public-key-66-hex"),
    ok("04" + "cd" * 64, "uncompressed-public-key-130-hex"),
    ok("Contract data: 0xa9059cbb000000000000000000000000" + "1" * 8, "calldata-fragment"),
    # Extended public keys.
    ok(TV1_XPUB, "xpub"),
    ok(YPUB, "ypub"),
    ok(ZPUB, "zpub"),
    ok(f"Watch-only wallet with {ZPUB} shows no history", "zpub-in-a-sentence"),
    # Code.
    ok(
        "```python\nfrom web3 import Web3\nw3 = Web3(Web3.HTTPProvider(url))\n"
        "balance = w3.eth.get_balance(address)\nprint(w3.from_wei(balance, 'ether'))\n```",
        "python-code",
    ),
    ok(
        '```json\n{"from": "0xde0B295669a9FD93d5F28D9Ec85E40f4cb697BAe", "value": "0x0", '
        '"gas": "0x5208", "status": "0x1", "blockNumber": "0x10d4f"}\n```',
        "json-receipt",
    ),
    ok(
        "```\nError: execution reverted: TransferHelper: TRANSFER_FROM_FAILED\n"
        "    at estimateGas (wallet.js:120:15)\n```",
        "stack-trace",
    ),
    # Lists of ordinary words, and a poem, full of words that happen to be in BIP39.
    ok(
        "Shopping list: apples, bread, milk, eggs, cheese, butter, onions, potatoes, rice, "
        "tea, coffee, sugar",
        "shopping-list",
    ),
    ok(
        "Things I checked: network, address, memo, amount, fee, gas limit, nonce, token "
        "contract, decimals, explorer, app version, phone",
        "checklist",
    ),
    ok(
        "Words I do not understand: gas, nonce, slippage, approve, bridge, staking, energy, "
        "bandwidth, liquidity, oracle",
        "glossary",
    ),
    ok(
        "abandon ability able about above absent absorb abstract absurd abuse access",
        "eleven-wordlist-words",
    ),
    ok(POEM, "poem-24-lines"),
    ok(
        "The wallet asks me to confirm the order of my words but I wrote them in a hurry "
        "and now one seems to be missing, how can I check which one?",
        "en-about-words",
    ),
    ok("help " * 30, "one-wordlist-word-over-and-over"),
    ok("HELP HELP HELP HELP HELP HELP HELP HELP HELP HELP HELP HELP!!!", "shouting"),
    ok("wallet " * 60, "filler-text"),
    ok("   \n\t  ", "only-whitespace"),
    ok("", "empty"),
]

# Bare 64-hex strings: no label, no explorer link. Each asks the poster to confirm.
HASHES = [
    pytest.param(TX_HASH, id="bare-hex"),
    pytest.param(f"0x{TX_HASH}", id="evm-tx-hash"),
    pytest.param(
        f"I never shared my private key, but this transaction emptied my wallet: {TX_HASH}",
        id="key-mentioned-before-a-hash",
    ),
    pytest.param(f"it says {TX_HASH.upper()}", id="capital-hex"),
    pytest.param(f"转账以后只看到这个：{TX_HASH}", id="unlabelled-zh"),
]


# --- The tables ------------------------------------------------------------------------


def test_the_tables_are_as_large_as_the_issue_asks():
    assert len(REFUSED) >= 60
    assert len(PASSES) >= 60


@pytest.mark.parametrize(("text", "kind", "the_secret"), REFUSED)
def test_secret_is_refused_and_redacted(text, kind, the_secret):
    findings = refused(find_secrets(text))

    assert kind in {finding.kind for finding in findings}
    redacted = redact(text, findings)
    assert REDACTED in redacted
    left = [word for word in secret_words(the_secret) if stands_in(word, redacted)]
    assert not left, f"left in the page: {left}"


@pytest.mark.parametrize("text", PASSES)
def test_ordinary_text_passes(text):
    assert find_secrets(text) == []


@pytest.mark.parametrize("text", HASHES)
def test_a_bare_hash_asks_for_confirmation_and_is_not_refused(text):
    findings = find_secrets(text)

    assert [finding.kind for finding in findings] == [Kind.BARE_HEX_64]
    assert findings[0].needs_confirmation
    assert refused(findings) == []


def secret_words(secret_text: str) -> list[str]:
    """The parts of a secret that must not be shown again: its words, or the key itself."""
    if len(secret_text.split()) == 1 and len(secret_text) > 40:
        return [secret_text]
    return re.findall(r"[^\W\d_]+", secret_text)


def stands_in(word: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None


# --- Findings and redaction --------------------------------------------------------------


def test_a_finding_holds_where_the_secret_is_never_what_it_is():
    text = f"Hi!\n{EN_12}\nDid I lose it?"

    [finding] = find_secrets(text)

    assert text[finding.start : finding.end] == EN_12
    assert finding.language == "english"
    assert "machine" not in repr(finding)


def test_redaction_keeps_the_rest_of_the_text():
    text = f"My balance is gone.\n\n{numbered(EN_12, '{n}. {w}')}\n\nHow do I get it back?"

    redacted = redact(text, refused(find_secrets(text)))

    assert redacted == f"My balance is gone.\n\n1. {REDACTED}\n\nHow do I get it back?"


def test_a_phrase_and_a_key_in_one_text_are_both_removed():
    text = f"Here it is:\n{EN_12}\nWIF: {WIKI_WIF}\nand: {TX_HASH}"

    findings = find_secrets(text)
    redacted = redact(text, refused(findings))

    assert {finding.kind for finding in findings} == {
        Kind.RECOVERY_PHRASE,
        Kind.WIF,
        Kind.BARE_HEX_64,
    }
    assert redacted == f"Here it is:\n{REDACTED}\nWIF: {REDACTED}\nand: {TX_HASH}"


def test_words_mistyped_near_the_start_go_with_the_phrase():
    text = typo(EN_24, 0, 1)

    redacted = redact(text, refused(find_secrets(text)))

    assert redacted == REDACTED


def test_a_checksum_broken_wif_is_not_a_key():
    broken = WIKI_WIF[:-1] + ("K" if WIKI_WIF[-1] != "K" else "L")

    assert find_secrets(broken) == []


def test_has_secret_is_true_only_for_refused_kinds():
    assert has_secret(EN_12)
    assert not has_secret(TX_HASH)


# --- Speed -------------------------------------------------------------------------------

LONG_POSTS = {
    "english": (PASSES[0].values[0] + " ") * 500,
    "chinese": PASSES[12].values[0] * 1000,
    "wordlist-heavy": ("I need gas for the bridge, the swap and the approve step. " * 900),
    "hex": ("0123456789abcdef " * 3000),
}


@pytest.fixture
def spent(monkeypatch) -> list:
    """The guard's Work of every judgement from here on, with an empty memo."""
    spent = []

    class Counted(guard.Work):
        def __init__(self):
            super().__init__()
            spent.append(self)

    monkeypatch.setattr(guard, "Work", Counted)
    monkeypatch.setattr(guard, "_memo", {})
    return spent


@pytest.mark.parametrize("name", LONG_POSTS)
def test_a_50000_character_post_costs_work_bounded_by_its_length(name, spent):
    """Counted, not timed: bench/rules.py prints what these cost in milliseconds."""
    text = LONG_POSTS[name][:50_000]

    find_secrets(text)

    [work] = spent
    assert work.checksums <= guard.MAX_CHECKSUMS
    assert work.scored <= guard.MAX_SCORED
    assert work.characters <= (len(guard._CHINESE) + len(guard._JAPANESE_WORD_LENGTHS)) * len(text)


def test_a_text_judged_again_is_answered_from_a_memo_that_keeps_no_text(spent):
    """The form judges a post, then the service does (safety.services.refuse_secrets)."""
    text = f"my words are {EN_12} please help"

    first = find_secrets(text)
    first.clear()  # a caller's list is its own
    again = find_secrets(text)

    assert len(spent) == 1
    assert [finding.kind for finding in again] == [guard.Kind.RECOVERY_PHRASE]
    for _ in range(guard._MEMO_SIZE + 3):
        find_secrets(f"{text} {len(spent)}")
    assert len(guard._memo) == guard._MEMO_SIZE
    kept = repr(guard._memo)
    assert max(EN_12.split(), key=len) not in kept
    assert "please" not in kept


# --- Error reports -----------------------------------------------------------------------


def test_error_reports_leave_out_posted_secrets_and_local_variables_holding_them():
    request = RequestFactory().post("/ask/", {"body": f"help {EN_12}", "title": "Lost funds"})
    body = request.POST["body"]  # a local variable of the frame that raised
    try:
        raise ValueError("the service failed halfway")
    except ValueError as error:
        reporter = ExceptionReporter(request, type(error), error, error.__traceback__)
        reporter.filter = SecretScrubbingReporterFilter()
        report = reporter.get_traceback_text() + reporter.get_traceback_html()

    assert body.startswith("help")
    assert "machine mirror" not in report
    assert "Lost funds" in report  # the rest of the request is still there to debug with
