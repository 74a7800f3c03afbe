"""Secrets made for the tests from fixed seeds (none holds funds), shared by the suites."""

import hashlib

import base58

# --- Recovery phrases (BIP39, from fixed entropy) -------------------------------------

EN_12 = "machine mirror syrup catalog approve debate wrap rabbit purchase they prefer erase"
EN_15 = (
    "orchard approve beyond welcome wide comic news hunt sauce avocado fortune truck member "
    "enough solar"
)
EN_18 = (
    "echo scissors ostrich render rifle travel lock episode legend peace random toss flock gun "
    "kidney arena nerve merge"
)
EN_21 = (
    "cliff void acid dry desk error almost bar consider mosquito pulse side cry near catalog "
    "smoke shoe bargain bargain jar brown"
)
EN_24 = (
    "dismiss absorb six box spider expose wood raven all food opinion differ shed luggage step "
    "jazz shy record dawn peanut cheap tag innocent almost"
)
ZH_12 = "赞 装 灌 起 浇 幼 爆 都 顿 徐 灰 住"
ZH_24 = "排 叛 脚 腔 令 霞 折 汇 龙 环 簧 钻 啦 吞 枝 西 返 钙 梁 缝 律 仓 费 玉"
ZH_TW_12 = "禁 隱 搭 歐 膨 染 鬧 桃 橋 淨 擦 爬"
JA_12 = (
    "ちょうし\u3000にんたい\u3000しょどう\u3000あんこ\u3000くつろぐ\u3000にっか\u3000あらわす"
    "\u3000そなえる\u3000そつぎょう\u3000ぽちぶくろ\u3000じゅしん\u3000げきげん"
)
ES_12 = "emitir vida bruto sujeto pollo pomelo baba página astilla reunir bien yate"
FR_12 = (
    "aboutir chiffre fable annexer largeur cocasse bannière patron fendoir jeudi emprise perplexe"
)
IT_12 = "berlina tipico immolato perbene balcone sudore mitra scheda ingaggio rotula scuola vetusto"
PT_12 = "ocupado ironizar travar siri lanche imitador boneco ganhar moqueca pilotar baleia leigo"
CS_12 = "obilnice rozruch seznam stezka korbel nemoc seno rodokmen drtit uklidnit hospoda kobka"
KO_12 = "백화점 마련 치약 항의 경주 마흔 매스컴 물고기 온종일 관찰 화학 뉴욕"


# --- Keys and hashes (from fixed seeds) ------------------------------------------------


def key_bytes(n: int) -> bytes:
    return hashlib.sha256(f"handoff test key {n}".encode()).digest()


def wif(n: int, *, version: int = 0x80, compressed: bool = True) -> str:
    payload = bytes([version]) + key_bytes(n) + (b"\x01" if compressed else b"")
    return base58.b58encode_check(payload).decode()


# BIP32 test vector 1 (m): the extended keys every wallet library tests against.
TV1_XPRV = (
    "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3"
    "TGtRBeJgk33yuGBxrMPHi"
)
TV1_XPUB = (
    "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265"
    "TMg7usUDFdp6W1EGMcet8"
)


def extended(version: str, source: str = TV1_XPRV) -> str:
    """The BIP32 test key under another version prefix (yprv, zprv, tprv, ypub...)."""
    payload = base58.b58decode_check(source)
    return base58.b58encode_check(bytes.fromhex(version) + payload[4:]).decode()


YPRV, ZPRV, TPRV = extended("049d7878"), extended("04b2430c"), extended("04358394")
YPUB, ZPUB = extended("049d7cb2", TV1_XPUB), extended("04b24746", TV1_XPUB)
HEX_KEY = hashlib.sha256(b"handoff test hex key").hexdigest()
TX_HASH = hashlib.sha256(b"handoff test transaction").hexdigest()
WIKI_WIF = "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ"  # the Bitcoin wiki's example
