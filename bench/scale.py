"""Bulk data for benchmarks: many realistic threads, written the fast way.

Benchmark tooling, not part of the product: no app imports it. `manage.py seed_scale`
(bench/devtools, installed when DEBUG is on or HANDOFF_DEV_COMMANDS=1) is its command.

seed_scale() does not go through forum.services: a million threads through create_thread()
would take hours. It computes in Python the rows the services would have left behind and
writes them with the sweep's bulk writer (config.bulk.BulkInsert: multi-row INSERTs, COPY
on PostgreSQL), one transaction per batch of 5,000 threads:

- posts numbered from 1 without gaps; post_count, reply_count, first_reply_at (the first
  reply by someone other than the asker), last_activity_at, vote_count on each thread;
- solved threads with an accepted answer (never the asker's own, never a hidden post) and
  solved_at, closed threads and hidden posts with their moderation log rows;
- follows for the asker and everyone who replied, helpful votes, and the reputation both
  earn; each category's thread_count and last_activity_at.

No events are sent: the rows are history, not news. So a deadline or anything else that
another app derives from forum events is not there for these threads.

With `support=True` the history has the support team's side too, as the sweep and the
escalation services would have left it (for the analytics rollups and bench/analytics.py):
a Shanghai business calendar and a policy per category, three queues and a few agents;
unanswered questions marked as needing help, and tickets opened by the deadline, the
asker or a moderator, with their first staff response, resolution, missed targets,
reopenings, closing and the asker's rating (events and ratings included), and the secret
guard's daily refusal counters. The staff answers themselves are not written as posts. Post bodies come
from a few dozen markdown templates; each distinct text is rendered once and reused.
"""

import random
import secrets
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from math import log
from types import SimpleNamespace

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from accounts import roles
from accounts.models import User
from config.bulk import BulkInsert
from escalation.models import (
    BusinessCalendar,
    EscalationPolicy,
    OpeningHours,
    Queue,
    SatisfactionRating,
    Ticket,
    TicketEvent,
    compute_sla_due_at,
)
from forum.markdown import render_markdown
from forum.models import Category, Chain, Follow, ModerationLog, Post, Thread, Vote
from forum.search import index as search_index
from forum.services.answers import REPUTATION_FOR_ACCEPTED, REPUTATION_FOR_VOTE
from forum.services.common import make_slug
from forum.wallet import TxFormat
from safety.models import SecretRefusal

BATCH_SIZE = 5_000
HISTORY_DAYS = 730
USERS_PER_THREADS = 100
MIN_USERS = 50

# Shares of the regular threads, chosen to look like a busy support forum.
UNANSWERED_SHARE = 0.20  # only the question
SELF_REPLY_ONLY_SHARE = 0.02  # the asker bumped it, nobody else answered
ASKER_FOLLOW_UP_SHARE = 0.15  # of replies, written by the asker
SOLVED_SHARE = 0.40  # of answered threads
CLOSED_SHARE = 0.03  # of unsolved threads
HIDDEN_REPLY_SHARE = 0.005
WALLET_DETAILS_SHARE = 0.6  # in categories that ask for them
ZH_SHARE = 0.45
HELPER_SHARE = 0.1  # of users: the regulars who write half the answers

# Support history (support=True). Times are wall clock; targets are the policy defaults.
NEEDS_HELP_AFTER = timedelta(hours=4)
ESCALATE_AFTER = timedelta(hours=24)
ESCALATE_UNSOLVED_AFTER = timedelta(hours=72)
FIRST_RESPONSE_TARGET = timedelta(hours=8)
RESOLUTION_TARGET = timedelta(hours=72)
CLOSE_RESOLVED_AFTER = timedelta(days=7)
ESCALATED_UNANSWERED_SHARE = 0.6  # of unanswered threads, by the deadline
ASKER_SHARE = 0.08  # of the other unsolved threads: the asker asks for staff
UNSOLVED_SHARE = 0.04  # of answered, unsolved threads: escalated by the deadline
MODERATOR_SHARE = 0.01  # of any thread
REOPEN_SHARE = 0.07  # of resolved tickets
RATED_SHARE = 0.45  # of resolutions
RATING_WEIGHTS = {1: 6, 2: 5, 3: 10, 4: 29, 5: 50}
AGENT_COUNT = 8
# (queue slug, name) and which queue each category's tickets go to.
SUPPORT_QUEUES = {"transfers": "Transfers", "security": "Security", "general": "General"}
QUEUE_OF = {"transfers": "transfers", "balances": "general", "security": "security"}
SUPPORT_CALENDAR = ("Support hours (scale)", "Asia/Shanghai", clock(9), clock(18))
RATING_COMMENTS = [
    "Quick and clear, thank you.",
    "Took too long, but solved in the end.",
    "回复很快，问题解决了，谢谢！",
    "等了很久才有人回复。",
]
REFUSAL_KINDS = [
    (SecretRefusal.Kind.RECOVERY_PHRASE, SecretRefusal.Where.ASK, 3.0),
    (SecretRefusal.Kind.RECOVERY_PHRASE, SecretRefusal.Where.REPLY, 1.5),
    (SecretRefusal.Kind.WIF, SecretRefusal.Where.ASK, 0.4),
    (SecretRefusal.Kind.XPRV, SecretRefusal.Where.ASK_STAFF, 0.2),
]

# --- What the data is about ---------------------------------------------------------

# slug: (English name, Chinese name, asks for wallet details)
CATEGORIES = {
    "transfers": ("Transfers", "转账", True),
    "balances": ("Balances & assets", "资产", True),
    "security": ("Security", "安全", False),
    "install": ("Install & update", "下载安装", False),
}
CHAINS = [
    ("Ethereum", TxFormat.EVM),
    ("BNB Smart Chain", TxFormat.EVM),
    ("TRON", TxFormat.TRON),
    ("Bitcoin", TxFormat.BITCOIN),
    ("Solana", TxFormat.SOLANA),
]
# (token, chain name, Chinese chain name)
TOKENS = [
    ("USDT", "TRON", "波场"),
    ("USDT", "Ethereum", "以太坊"),
    ("USDT", "BNB Smart Chain", "币安智能链"),
    ("USDC", "Solana", "Solana"),
    ("ETH", "Ethereum", "以太坊"),
    ("BNB", "BNB Smart Chain", "币安智能链"),
    ("TRX", "TRON", "波场"),
    ("SOL", "Solana", "Solana"),
    ("BTC", "Bitcoin", "比特币"),
]
EXCHANGES = ["Binance", "OKX", "Coinbase", "Kraken", "Bybit", "HTX"]
APP_VERSIONS = ["5.12.3", "5.12.1", "5.11.0", "5.10.4", "5.13.0-beta.2", "5.12.3 (build 1204)"]
DEVICES = [
    "iPhone 15 Pro, iOS 17.5",
    "iPhone 12, iOS 16.7",
    "Pixel 8, Android 14",
    "Samsung Galaxy S23, Android 14",
    "Xiaomi 14, HyperOS 1.0",
    "Huawei P60, HarmonyOS 4",
    "Chrome extension, Windows 11",
    "MacBook Air M2, macOS 14",
]
EN_NAMES = [
    "Alex", "Sam", "Jordan", "Taylor", "Chris", "Priya", "Lucas", "Emma", "Noah", "Olivia",
    "Mateo", "Aisha", "Ivan", "Sofia", "Kenji", "Fatima", "Leo", "Grace", "Omar", "Nina",
]  # fmt: skip
ZH_NAMES = [
    "王芳", "李强", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄勇", "周杰", "吴婷",
    "徐明", "孙丽", "马超", "朱琳", "胡斌", "郭晓", "何欣", "林峰", "高远", "罗佳",
]  # fmt: skip
HANDLES = [
    "hodler", "satoshi_fan", "defi_dan", "moon", "tron_user", "eth_builder", "node_runner",
    "coldwallet", "gm", "degen", "bitbao", "lianshang", "xiaobai", "kuangong", "anquan",
]  # fmt: skip
EN_TIME_ZONES = ["UTC", "Europe/London", "Europe/Berlin", "America/New_York", "Asia/Singapore"]
ZH_TIME_ZONES = ["Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei"]

# Titles may use {token} {chain} {amount} {hours} {exchange} {version}; bodies only
# {token} and {chain}, so the number of distinct bodies (and renders) stays small.
TITLES = {
    ("transfers", "en"): [
        "{token} on {chain} stuck pending for {hours} hours",
        "Sent {amount} {token} to {exchange} and it never arrived",
        "Transfer failed: out of energy on {chain}",
        "Why was my {token} transfer fee so high?",
        "Sent {token} on the wrong network, can I get it back?",
        "Transaction shows success on the explorer but not in the app",
        "Can't send {token}: insufficient balance for fee",
        "Withdrawal from {exchange} to my wallet missing after {hours} hours",
    ],
    ("transfers", "zh"): [
        "{chain}上的{token}转账一直显示待确认，已经{hours}小时了",
        "从{exchange}提币{amount} {token}没到账",
        "转账失败，提示能量不足",
        "{token}转账手续费为什么这么高？",
        "{token}转错网络了，还能找回吗？",
        "区块浏览器显示成功，钱包里却看不到",
        "转账提示手续费不足，怎么办",
        "提币到钱包{hours}小时还没到，交易所说已经发出",
    ],
    ("balances", "en"): [
        "Balance shows 0 after updating to {version}",
        "My {token} balance is wrong",
        "{token} on {chain} does not show in the wallet",
        "How do I add a custom token on {chain}?",
        "Balance disappeared after restoring my wallet",
        "Unknown tokens appeared in my wallet, should I sell them?",
        "Portfolio value in USD is not updating",
    ],
    ("balances", "zh"): [
        "钱包余额显示为0怎么办",
        "升级到{version}后{token}余额不对",
        "{chain}上的{token}在钱包里不显示",
        "怎么在{chain}上添加自定义代币？",
        "恢复钱包后资产不见了",
        "钱包里多了不认识的代币，能卖吗？",
        "钱包里的资产总额一直不刷新",
    ],
    ("security", "en"): [
        "Someone DM'd me saying they are support and asked for my seed phrase",
        "Is it safe to store my recovery phrase in a notes app?",
        "I approved a contract I don't recognise, what should I do?",
        "Got an airdrop of a token I never bought, is it a scam?",
        "How do I revoke token approvals on {chain}?",
        "Lost my phone, how do I restore my wallet?",
        "Fake support site asked me to 'validate' my wallet",
    ],
    ("security", "zh"): [
        "有人私信说是客服要我的助记词",
        "助记词存在备忘录里安全吗？",
        "授权了一个不认识的合约怎么办？",
        "收到一个没买过的代币空投，是诈骗吗？",
        "怎么在{chain}上取消代币授权？",
        "手机丢了，怎么恢复钱包？",
        "假冒客服网站让我“验证钱包”",
    ],
    ("install", "en"): [
        "How do I verify the official download?",
        "App crashes on start after updating to {version}",
        "Can't find the app in the Play Store in my country",
        "Is the APK from a Telegram group safe?",
        "Update {version} stuck at 'verifying'",
        "Browser extension not connecting after update",
    ],
    ("install", "zh"): [
        "如何确认是官方下载渠道？",
        "升级到{version}后打开就闪退",
        "应用商店里搜不到这个钱包",
        "电报群里发的安装包安全吗？",
        "{version}更新一直卡在“验证中”",
        "浏览器插件更新后连不上",
    ],
}
QUESTIONS = {
    ("transfers", "en"): [
        "I sent **{token}** on **{chain}** from my wallet about two hours ago and it still says "
        "*pending*. The explorer shows nothing yet.\n\nWhat should I check before I try again?",
        "The transfer left my wallet but the receiving side says nothing arrived.\n\n"
        "- network: {chain}\n- token: {token}\n- the address was copied from the app\n\n"
        "Is there anything I can do from my side?",
        "My {token} transfer failed and I still paid a fee. I don't understand why. "
        "Can someone explain what happened and how to avoid it next time?",
    ],
    ("transfers", "zh"): [
        "我在**{chain}**上转了**{token}**，已经两个小时了还是显示*待确认*，区块浏览器上也查不到。\n\n"
        "要不要重新发一次？",
        "钱包里已经扣款了，但对方说没收到。\n\n- 网络：{chain}\n- 代币：{token}\n- 地址是从应用里复制的\n\n"
        "我这边还能做什么？",
        "{token}转账失败了，但手续费还是扣了，不明白为什么。下次怎么避免？",
    ],
    ("balances", "en"): [
        "After the update my **{token}** balance on {chain} shows 0, but the explorer shows "
        "the coins are still at my address. Did I lose them?",
        "I restored my wallet from the recovery phrase on a new phone and some of my {token} "
        "is missing. Same phrase, same account. What am I doing wrong?",
        "The token is in my address on the explorer but the app does not list it. How do I make "
        "it show up?",
    ],
    ("balances", "zh"): [
        "更新之后**{chain}**上的**{token}**余额显示为0，但区块浏览器上币还在我的地址里。币丢了吗？",
        "换了新手机用助记词恢复钱包，部分{token}不见了。助记词一样，账户也一样，是哪里出错了？",
        "浏览器上能看到这个代币在我地址里，但钱包里不显示，怎么才能显示出来？",
    ],
    ("security", "en"): [
        "Someone messaged me on Telegram saying they are from the support team. They want my "
        '**recovery phrase** to "sync" my wallet. Is this real?',
        "I clicked approve on a site I found through an ad. Nothing has moved yet. What should "
        "I do right now?",
        "Where is the safest place to keep my recovery phrase? I travel a lot.",
    ],
    ("security", "zh"): [
        "有人在电报上私信我，说是官方客服，要我的**助记词**来“同步”钱包。这是真的吗？",
        "我在广告里点进一个网站，点了授权。现在币还没动，我应该马上做什么？",
        "助记词放在哪里最安全？我经常出差，不想一直带着写了助记词的纸。",
    ],
    ("install", "en"): [
        "I want to install the wallet on a new phone. How can I be sure the app I download is "
        "the official one and not a fake?",
        "Since the latest update the app closes right after the splash screen. I already "
        "restarted the phone. Logs are below:\n\n```\nFATAL EXCEPTION: main\n```",
        "A friend sent me an APK in a group chat. Should I use it?",
    ],
    ("install", "zh"): [
        "想在新手机上安装钱包，怎么确认下载的是官方应用而不是仿冒的？",
        "最新版本更新后，启动画面一过就闪退，重启手机也没用。日志如下：\n\n```\nFATAL EXCEPTION: main\n```",
        "朋友在群里发了一个钱包安装包，说是最新版，可以直接安装吗？",
    ],
}
REPLIES = {
    ("transfers", "en"): [
        "Paste the transaction hash into a {chain} explorer first. If it is not there, the "
        "transfer never left the app and you can try again safely.",
        "On TRON a {token} transfer needs energy or TRX to burn. Keep at least 30 TRX in the "
        "account and send again.",
        "Exchanges credit deposits only after enough confirmations. Give it an hour, then contact "
        "the exchange with the hash.",
        "Check that you picked the same network the receiver expects. Sending {token} on "
        "{chain} to an address that expects another network is the usual cause.",
        "Network is congested right now; fees and delays are higher for everyone.",
    ],
    ("transfers", "zh"): [
        "先把交易哈希粘贴到{chain}的区块浏览器查一下。查不到说明交易没发出去，可以放心重发。",
        "波场上转{token}需要能量或者燃烧TRX，账户里至少留30个TRX再转。",
        "交易所要等足够的确认数才会入账，等一个小时再带着哈希联系交易所。",
        "确认一下选的网络和对方要求的一致，{token}走{chain}转到别的网络地址是最常见的原因。",
        "现在网络拥堵，所有人的手续费和确认时间都变长了。",
    ],
    ("balances", "en"): [
        "If the explorer shows the coins at your address, they are safe. The app only reads "
        "the chain; pull down to refresh or switch the node in settings.",
        "Make sure you restored the same account and the same derivation path. Some wallets "
        "use a different path for {chain}.",
        "Add the token by its contract address (Settings → Tokens → Add custom token). Copy the "
        "address from the official site, not from a chat.",
        "The value in USD comes from a price feed that sometimes lags. The token amount is what "
        "counts.",
    ],
    ("balances", "zh"): [
        "浏览器上显示币在你的地址里，就是安全的。钱包只是读取链上数据，下拉刷新或者在设置里换个节点。",
        "确认恢复的是同一个账户、同一个派生路径。有些钱包在{chain}上用的路径不一样。",
        "用合约地址添加代币（设置 → 代币 → 添加自定义代币），地址请从官网复制，不要用聊天里发的。",
        "美元估值来自行情源，有时会延迟，以代币数量为准。",
    ],
    ("security", "en"): [
        "That is a scam. Real staff never ask for your recovery phrase and never message first. "
        "Block them and report the account.",
        "Revoke the approval right away from the approvals page, then move your funds to a new "
        "wallet with a fresh recovery phrase.",
        "Write the phrase on paper or metal and keep it offline. Never photograph it and never "
        "type it into a website.",
        "Don't interact with airdropped tokens you did not expect. Selling them can trigger a "
        "malicious approval.",
    ],
    ("security", "zh"): [
        "这是诈骗。真正的客服从不索要助记词，也不会主动私信。直接拉黑并举报。",
        "马上在授权管理里取消授权，然后用新的助记词创建新钱包，把资产转过去。",
        "助记词抄在纸上或金属板上离线保存，不要拍照，也不要输入到任何网站。",
        "不认识的空投代币不要动，卖出时可能触发恶意授权。",
    ],
    ("install", "en"): [
        "Only download from the official website or the official store listing, and compare the "
        "SHA-256 checksum published on the site.",
        "Clear the app cache, or uninstall and reinstall. Your funds are on the chain; you only "
        "need the recovery phrase to restore.",
        "Never install an APK from a chat group. Fake wallets look identical and steal the phrase.",
        "That build had a bug on some devices; the next update fixes it.",
    ],
    ("install", "zh"): [
        "只从官网或者官方应用商店页面下载，并核对官网公布的 SHA-256 校验值。",
        "清除应用缓存，或者卸载重装。资产在链上，只要有助记词就能恢复。",
        "千万不要安装群里发的安装包，假钱包长得一模一样，会偷走助记词。",
        "这个版本在部分机型上有问题，下个版本已经修复。",
    ],
}
FOLLOW_UPS = {
    "en": [
        "Thanks, I'll try that and report back.",
        "Still not working. Any other ideas?",
        "Here is the hash: it shows *success* on the explorer.",
        "That did it, thank you so much!",
    ],
    "zh": [
        "谢谢，我按你说的试一下，有结果再回来告诉大家。",
        "还是不行，已经重启过手机也换了节点，还有别的办法吗？",
        "交易哈希在这里，区块浏览器上显示*成功*，但钱包里看不到。",
        "解决了！按照上面的方法操作之后就到账了，非常感谢！",
    ],
}
LONG_THREAD_TITLES = {
    "en": "[Megathread] {token} on {chain}: pending and missing transfers",
    "zh": "【汇总帖】{chain}上的{token}转账未到账问题集中讨论",
}


# --- The plan ------------------------------------------------------------------------


@dataclass
class ScaleResult:
    users: int = 0
    threads: int = 0
    posts: int = 0
    rows: int = 0
    tickets: int = 0
    seconds: float = 0.0
    long_thread_ids: list[int] = field(default_factory=list)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class _Person:
    pk: int
    language: str


@dataclass
class _World:
    """What every batch draws from: people, categories, chains, rendered bodies."""

    rng: random.Random
    now: datetime
    people: dict[str, list[_Person]]
    helpers: dict[str, list[_Person]]
    everyone: list[_Person]
    moderator_id: int
    categories: dict[str, Category]
    chains: dict[str, Chain]
    support: "_Support | None" = None
    bodies: dict[tuple[str, str, str], tuple[str, str]] = field(default_factory=dict)

    def body(self, template: str, token: str = "", chain: str = "") -> tuple[str, str]:
        """(markdown, HTML) of a filled-in template. Each distinct text is rendered once:
        a million posts share a few hundred bodies."""
        key = (template, token, chain)
        body = self.bodies.get(key)
        if body is None:
            text = template.format(token=token, chain=chain) if token else template
            body = self.bodies[key] = (text, render_markdown(text))
        return body

    def asker(self, language: str) -> _Person:
        return self.rng.choice(self.people[language])

    def helper(self, language: str) -> _Person:
        if self.rng.random() < 0.1:  # someone answering in the other language
            return self.rng.choice(self.everyone)
        pool = self.helpers[language] if self.rng.random() < 0.5 else self.people[language]
        return self.rng.choice(pool)


class _PlannedPost:
    """A post before it is written: plain attributes, far cheaper than a model instance."""

    __slots__ = ("author_id", "body", "created_at", "is_hidden", "number", "pk", "voters")

    def __init__(self, number: int, author_id: int, body: tuple[str, str], created_at):
        self.number = number
        self.author_id = author_id
        self.body = body
        self.created_at = created_at
        self.is_hidden = False
        self.voters: set[int] = set()
        self.pk = None


@dataclass
class _PlannedThread:
    values: dict  # Thread field attnames -> values
    posts: list[_PlannedPost]
    accepted: int | None = None  # index into posts
    is_closed: bool = False
    ticket: "_PlannedTicket | None" = None


@dataclass
class _Support:
    """What the support history draws from: the agents, the queues, a moderator."""

    agent_ids: list[int]
    queue_ids: dict[str, int]  # category slug -> queue id


@dataclass
class _PlannedTicket:
    values: dict  # Ticket field attnames -> values (id and thread_id set when written)
    # (kind, actor_id, from_status, to_status, created_at)
    events: list[tuple] = field(default_factory=list)
    ratings: list[tuple] = field(default_factory=list)  # (cycle, score, comment, created_at)


def seed_scale(
    *,
    threads: int,
    posts_per_thread: float = 5,
    long_threads: int = 0,
    long_thread_posts: int = 200,
    batch_size: int = BATCH_SIZE,
    seed: int | None = None,
    now: datetime | None = None,
    support: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ScaleResult:
    """Add `threads` threads averaging `posts_per_thread` posts, plus `long_threads` threads
    of exactly `long_thread_posts` posts, written by new users. Adds to what is there.
    With `support`, the support team's history too (see the module's docstring).
    """
    rng = random.Random(seed)
    now = (now or timezone.now()).astimezone(UTC)
    say = progress or (lambda message: None)
    result = ScaleResult()
    started = time.perf_counter()

    world = _build_world(rng=rng, now=now, user_count=max(MIN_USERS, threads // USERS_PER_THREADS))
    result.users = len(world.everyone)
    result.rows += 2 * result.users  # users and their email addresses
    if support:
        world.support = _build_support(world)
        result.users += AGENT_COUNT

    start = now - timedelta(days=HISTORY_DAYS)
    span = (now - start).total_seconds()
    done = 0
    while done < threads:
        size = min(batch_size, threads - done)
        plans = [
            _plan_regular_thread(
                world,
                created_at=start + timedelta(seconds=span * (index + rng.random()) / threads),
                posts=posts_per_thread,
            )
            for index in range(done, done + size)
        ]
        if world.support:
            for plan in plans:
                _plan_ticket(world, plan)
        _write(world, plans, result)
        done += size
        _report(say, result, started, total=threads + long_threads)

    if long_threads:
        plans = [
            _plan_long_thread(world, post_count=long_thread_posts) for _ in range(long_threads)
        ]
        _write(world, plans, result)
        result.long_thread_ids = [plan.values["id"] for plan in plans]
        _report(say, result, started, total=threads + long_threads)
    if world.support:
        result.rows += _write_refusals(world, first=start.date(), last=now.date())

    result.seconds = time.perf_counter() - started
    return result


def _report(say, result: ScaleResult, started: float, *, total: int) -> None:
    seconds = time.perf_counter() - started
    say(
        f"{result.threads:,}/{total:,} threads, {result.posts:,} posts, {result.rows:,} rows "
        f"in {seconds:.1f} s ({result.rows / seconds:,.0f} rows/s)"
    )


# --- People, categories, chains ------------------------------------------------------


def _build_world(*, rng: random.Random, now: datetime, user_count: int) -> _World:
    with transaction.atomic():
        categories = {
            slug: Category.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "name_zh_hans": name_zh,
                    "asks_wallet_details": asks_wallet_details,
                    "position": position,
                },
            )[0]
            for position, (slug, (name, name_zh, asks_wallet_details)) in enumerate(
                CATEGORIES.items()
            )
        }
        chains = {
            name: Chain.objects.get_or_create(
                name=name, defaults={"tx_format": tx_format, "position": position}
            )[0]
            for position, (name, tx_format) in enumerate(CHAINS)
        }
        people = _create_people(rng=rng, now=now, count=user_count)
        moderators, _created = Group.objects.get_or_create(name=roles.MODERATORS)
        moderators.user_set.add(people[0].pk)
    by_language = defaultdict(list)
    for person in people:
        by_language[person.language].append(person)
    return _World(
        rng=rng,
        now=now,
        people=dict(by_language),
        helpers={
            language: group[: max(1, int(len(group) * HELPER_SHARE))]
            for language, group in by_language.items()
        },
        everyone=people,
        moderator_id=people[0].pk,
        categories=categories,
        chains=chains,
    )


def _unused_username_tag() -> str:
    """A short tag no existing username carries, so a second run adds people, never clashes."""
    while True:
        tag = secrets.token_hex(3)
        if not User.objects.filter(username__contains=f"_{tag}").exists():
            return tag


def _create_people(*, rng: random.Random, now: datetime, count: int) -> list[_Person]:
    """New members with verified email addresses; the first becomes a moderator."""
    tag = _unused_username_tag()
    # Nobody signs in with a password as these people: one unusable hash serves them all.
    password = make_password(None)
    users = []
    for index in range(count):
        # The second person is always Chinese-speaking, so both languages have askers.
        is_zh = index == 1 or (index > 1 and rng.random() < ZH_SHARE)
        username = f"{rng.choice(HANDLES)}_{tag}{index}"
        users.append(
            User(
                username=username,
                email=f"{username}@scale.example",
                password=password,
                display_name=rng.choice(ZH_NAMES if is_zh else EN_NAMES),
                language="zh-hans" if is_zh else "en",
                timezone=rng.choice(ZH_TIME_ZONES if is_zh else EN_TIME_ZONES),
                date_joined=now - timedelta(days=HISTORY_DAYS + rng.randint(1, 365)),
            )
        )
    User.objects.bulk_create(users, batch_size=BATCH_SIZE)
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users],
        batch_size=BATCH_SIZE,
    )
    return [
        _Person(pk=user.pk, language="zh" if user.language == "zh-hans" else "en") for user in users
    ]


# --- Planning threads ----------------------------------------------------------------


def _fill(world: _World, *, language: str, token: tuple[str, str, str]) -> dict[str, object]:
    rng = world.rng
    name, chain, chain_zh = token
    return {
        "token": name,
        "chain": chain_zh if language == "zh" else chain,
        "amount": rng.choice(["50", "120", "300", "1,000", "2,500", "0.5", "12.8"]),
        "hours": rng.randint(2, 48),
        "exchange": rng.choice(EXCHANGES),
        "version": rng.choice(APP_VERSIONS[:5]),
    }


def _post_count(rng: random.Random, average: float) -> int:
    """1 for the unanswered share; otherwise uniform from 2 up, so the mean is `average`."""
    if average <= 1 or rng.random() < UNANSWERED_SHARE:
        return 1
    top = max(2, round((average - UNANSWERED_SHARE) / (1 - UNANSWERED_SHARE) * 2 - 2))
    return rng.randint(2, top)


def _plan_regular_thread(world: _World, *, created_at: datetime, posts: float) -> _PlannedThread:
    rng = world.rng
    subject = rng.choice(list(CATEGORIES))
    language = "zh" if rng.random() < ZH_SHARE else "en"
    token = rng.choice(TOKENS)
    title = rng.choice(TITLES[subject, language]).format(
        **_fill(world, language=language, token=token)
    )
    count = _post_count(rng, posts)
    self_reply_only = count == 1 and rng.random() < SELF_REPLY_ONLY_SHARE / UNANSWERED_SHARE
    if self_reply_only:
        count = 2
    lifetime = min((world.now - created_at).total_seconds(), rng.expovariate(1 / (3 * 86400)))
    return _plan_thread(
        world,
        subject=subject,
        language=language,
        token=token,
        title=title,
        created_at=created_at,
        post_count=count,
        lifetime=lifetime,
        others_reply=not self_reply_only,
    )


def _plan_long_thread(world: _World, *, post_count: int) -> _PlannedThread:
    rng = world.rng
    language = rng.choice(["en", "zh"])
    token = rng.choice(TOKENS[:3])
    title = LONG_THREAD_TITLES[language].format(**_fill(world, language=language, token=token))
    age = timedelta(days=rng.uniform(30, 90)).total_seconds()
    return _plan_thread(
        world,
        subject="transfers",
        language=language,
        token=token,
        title=title,
        created_at=world.now - timedelta(seconds=age),
        post_count=post_count,
        lifetime=age * rng.uniform(0.9, 1.0),
        others_reply=True,
    )


def _plan_thread(
    world: _World,
    *,
    subject: str,
    language: str,
    token: tuple[str, str, str],
    title: str,
    created_at: datetime,
    post_count: int,
    lifetime: float,
    others_reply: bool,
) -> _PlannedThread:
    """One thread as the services would have left it after post_count posts."""
    rng = world.rng
    category = world.categories[subject]
    asker = world.asker(language)
    token_name, chain_name = token[0], token[2] if language == "zh" else token[1]
    question = world.body(rng.choice(QUESTIONS[subject, language]), token_name, chain_name)
    posts = [_PlannedPost(1, asker.pk, question, created_at)]
    first_reply_at = None
    for number, offset in enumerate(
        sorted(rng.random() * lifetime for _ in range(post_count - 1)), start=2
    ):
        at = created_at + timedelta(seconds=offset)
        if not others_reply or rng.random() < ASKER_FOLLOW_UP_SHARE:
            posts.append(
                _PlannedPost(number, asker.pk, world.body(rng.choice(FOLLOW_UPS[language])), at)
            )
            continue
        author = world.helper(language)
        reply = world.body(rng.choice(REPLIES[subject, language]), token_name, chain_name)
        posts.append(_PlannedPost(number, author.pk, reply, at))
        if author.pk != asker.pk and first_reply_at is None:
            first_reply_at = at

    plan = _PlannedThread(
        values={
            "category_id": category.pk,
            "author_id": asker.pk,
            "title": title,
            "slug": make_slug(title),
            "created_at": created_at,
            "last_activity_at": posts[-1].created_at,
            "post_count": post_count,
            "reply_count": post_count - 1,
            "first_reply_at": first_reply_at,
            "view_count": int(rng.lognormvariate(3, 1.2)) + post_count,
        },
        posts=posts,
    )
    if category.asks_wallet_details and rng.random() < WALLET_DETAILS_SHARE:
        chain = world.chains[token[1]]
        plan.values.update(
            chain_id=chain.pk,
            app_version=rng.choice(APP_VERSIONS),
            device=rng.choice(DEVICES),
            tx_hash=_tx_hash(rng, chain.tx_format) if subject == "transfers" else "",
        )

    answers = [index for index, post in enumerate(posts) if index and post.author_id != asker.pk]
    for index in answers:
        posts[index].is_hidden = rng.random() < HIDDEN_REPLY_SHARE
    visible_answers = [index for index in answers if not posts[index].is_hidden]
    if visible_answers and rng.random() < SOLVED_SHARE:
        plan.accepted = rng.choice(visible_answers)
        accepted_at = posts[plan.accepted].created_at
        room = (world.now - accepted_at).total_seconds()
        plan.values["state"] = Thread.State.SOLVED
        plan.values["solved_at"] = accepted_at + timedelta(
            seconds=min(room, rng.uniform(60, 86400))
        )
    elif rng.random() < CLOSED_SHARE:
        plan.values["state"] = Thread.State.CLOSED
        plan.is_closed = True
    _plan_votes(world, plan)
    plan.values["vote_count"] = len(posts[0].voters)
    return plan


def _plan_votes(world: _World, plan: _PlannedThread) -> None:
    """A few helpful votes: on some questions, on most accepted answers, rarely elsewhere."""
    rng = world.rng
    for index, post in enumerate(plan.posts):
        if post.is_hidden:
            continue
        if index == 0:
            votes = rng.choice((0, 0, 0, 1, 2))
        elif index == plan.accepted:
            votes = rng.randint(1, 4)
        else:
            votes = 1 if rng.random() < 0.1 else 0
        if votes:
            voters = {rng.choice(world.everyone).pk for _ in range(votes)}
            post.voters = voters - {post.author_id}


def _tx_hash(rng: random.Random, tx_format: str) -> str:
    """A hash that the ask form would accept for this network."""
    digits = f"{rng.getrandbits(256):064x}"
    if tx_format == TxFormat.EVM:
        return f"0x{digits}"
    if tx_format == TxFormat.SOLANA:
        return _base58(rng.getrandbits(512) | 1 << 511)  # 64 bytes, no leading zero byte
    return digits


_BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _base58(number: int) -> str:
    digits = []
    while number:
        number, digit = divmod(number, 58)
        digits.append(_BASE58_ALPHABET[digit])
    return "".join(reversed(digits))


# --- Writing -------------------------------------------------------------------------


def _write(world: _World, plans: list[_PlannedThread], result: ScaleResult) -> None:
    """One batch in one transaction: threads, posts, and everything that points at them.

    Rows go in with plain INSERTs (COPY on PostgreSQL): building model instances for
    bulk_create cost four times as much. Ids are reserved first, so a thread can name its
    accepted answer before the post is written (Django's foreign keys are checked at commit).
    """
    rng = world.rng
    thread_rows, post_rows, follow_rows, vote_rows, log_rows = [], [], [], [], []
    search_rows = []
    reputation = Counter()
    with transaction.atomic():
        thread_ids = _reserve_ids(Thread, len(plans))
        post_ids = iter(_reserve_ids(Post, sum(len(plan.posts) for plan in plans)))
        for plan, thread_id in zip(plans, thread_ids, strict=True):
            plan.values["id"] = thread_id
            for post in plan.posts:
                post.pk = next(post_ids)
                post_rows.append(
                    (
                        post.pk,
                        thread_id,
                        post.number,
                        post.author_id,
                        post.body[0],
                        post.body[1],
                        post.created_at,
                        post.is_hidden,
                        len(post.voters),
                    )
                )
                search_rows.append(
                    (
                        post.pk,
                        thread_id,
                        post.number,
                        post.body[0],
                        plan.values["title"],
                        plan.values.get("tx_hash", ""),
                    )
                )
                for user_id in post.voters:
                    room = (world.now - post.created_at).total_seconds()
                    at = post.created_at + timedelta(seconds=min(room, rng.uniform(60, 604800)))
                    vote_rows.append((user_id, post.pk, at))
                    reputation[post.author_id] += REPUTATION_FOR_VOTE
            if plan.accepted is not None:
                accepted = plan.posts[plan.accepted]
                plan.values["accepted_post_id"] = accepted.pk
                reputation[accepted.author_id] += REPUTATION_FOR_ACCEPTED
            thread_rows.append(_thread_row(plan.values))
            follow_rows.extend(
                (user_id, thread_id, at)
                for user_id, at in _first_post_by_author(plan.posts).items()
            )
            log_rows.extend(_log_rows(world, plan))
        ticket_rows, event_rows, rating_rows = _ticket_rows(plans)
        for table, rows in [
            (_THREADS, thread_rows),
            (_POSTS, post_rows),
            (_FOLLOWS, follow_rows),
            (_VOTES, vote_rows),
            (_LOGS, log_rows),
            (_TICKETS, ticket_rows),
            (_TICKET_EVENTS, event_rows),
            (_RATINGS, rating_rows),
        ]:
            table.insert(rows)
        search_index.index_rows(search_rows)  # the same entries the services write
        _count_in_categories(plans)
        _credit(reputation)

    result.threads += len(thread_rows)
    result.posts += len(post_rows)
    result.tickets += len(ticket_rows)
    written = (thread_rows, post_rows, follow_rows, vote_rows, log_rows)
    result.rows += sum(map(len, (*written, ticket_rows, event_rows, rating_rows)))


_THREAD_FIELDS = (
    "id",
    "category_id",
    "author_id",
    "title",
    "slug",
    "created_at",
    "last_activity_at",
    "state",
    "accepted_post_id",
    "solved_at",
    "reply_count",
    "vote_count",
    "view_count",
    "post_count",
    "first_reply_at",
    "needs_help_at",
    "escalated_at",
    "support_resolved_at",
    "chain_id",
    "app_version",
    "device",
    "tx_hash",
)
_POST_FIELDS = (
    "id",
    "thread_id",
    "number",
    "author_id",
    "body",
    "body_html",
    "created_at",
    "is_hidden",
    "vote_count",
)
_LOG_FIELDS = ("actor_id", "action", "thread_id", "post_id", "reason", "created_at", "details")
# The sweep's writer (config.bulk): plain INSERTs, COPY on PostgreSQL, every column not
# named filled with its field's default, so a field added later needs no change here.
_THREADS = BulkInsert(Thread, _THREAD_FIELDS)
_POSTS = BulkInsert(Post, _POST_FIELDS)
_FOLLOWS = BulkInsert(Follow, ("user_id", "thread_id", "created_at"))
_VOTES = BulkInsert(Vote, ("user_id", "post_id", "created_at"))
_LOGS = BulkInsert(ModerationLog, _LOG_FIELDS)
_TICKET_FIELDS = (
    "id",
    "thread_id",
    "reference",
    "requester_id",
    "reason",
    "status",
    "resolution",
    "priority",
    "queue_id",
    "assignee_id",
    "category_id",
    "created_at",
    "updated_at",
    "escalation_count",
    "first_response_due_at",
    "resolution_due_at",
    "first_responded_at",
    "resolved_at",
    "closed_at",
    "first_response_breached_at",
    "resolution_breached_at",
    "sla_due_at",
    "close_at",
)
_TICKETS = BulkInsert(Ticket, _TICKET_FIELDS)
_TICKET_EVENTS = BulkInsert(
    TicketEvent, ("ticket_id", "kind", "actor_id", "from_status", "to_status", "created_at")
)
_RATINGS = BulkInsert(
    SatisfactionRating, ("ticket_id", "cycle", "score", "comment", "created_at", "commented_at")
)
_REFUSALS = BulkInsert(SecretRefusal, ("day", "kind", "where", "count"))
_THREAD_DEFAULTS = {
    name: Thread._meta.get_field(name.removesuffix("_id")).get_default() for name in _THREAD_FIELDS
}


def _thread_row(values: dict) -> tuple:
    """A thread's row in _THREAD_FIELDS order; a value the plan left out is its default."""
    return tuple(values.get(name, _THREAD_DEFAULTS[name]) for name in _THREAD_FIELDS)


def _log_rows(world: _World, plan: _PlannedThread) -> list[tuple]:
    """What set_thread_closed() and set_post_hidden() would have logged."""
    thread_id = plan.values["id"]
    rows = []
    if plan.is_closed:
        rows.append(
            (
                world.moderator_id,
                ModerationLog.Action.CLOSE_THREAD,
                thread_id,
                None,
                "Duplicate question.",
                plan.values["last_activity_at"],
                {},
            )
        )
    for post in plan.posts:
        if post.is_hidden:
            rows.append(
                (
                    world.moderator_id,
                    ModerationLog.Action.HIDE_POST,
                    thread_id,
                    post.pk,
                    "Scam link.",
                    post.created_at,
                    {},
                )
            )
    return rows


def _first_post_by_author(posts: list[_PlannedPost]) -> dict[int, datetime]:
    """Who follows the thread, and since when: the asker and everyone who replied."""
    first = {}
    for post in posts:
        first.setdefault(post.author_id, post.created_at)
    return first


def _reserve_ids(model, count: int) -> list[int]:
    """`count` unused primary keys for model. The caller is inside transaction.atomic()."""
    if not count:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [quote(table), column, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        if connection.vendor == "sqlite":
            # Settings open SQLite transactions with BEGIN IMMEDIATE: we hold the write
            # lock, so nobody takes these ids before we insert them. AUTOINCREMENT never
            # reuses an id, even a deleted one, hence sqlite_sequence too.
            cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")
            highest = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            first = max(highest, row[0] if row else 0) + 1
            return list(range(first, first + count))
    raise NotImplementedError(
        f"seed_scale supports SQLite and PostgreSQL, not {connection.vendor}."
    )


def _count_in_categories(plans: list[_PlannedThread]) -> None:
    counts = Counter()
    latest = {}
    for plan in plans:
        category_id, at = plan.values["category_id"], plan.values["last_activity_at"]
        counts[category_id] += 1
        latest[category_id] = max(latest.get(category_id, at), at)
    for category_id, count in counts.items():
        at = latest[category_id]
        Category.objects.filter(pk=category_id).update(
            thread_count=F("thread_count") + count,
            # The later of what is there and this batch; NULL compares false, so it is replaced.
            last_activity_at=Case(
                When(last_activity_at__gt=at, then=F("last_activity_at")), default=Value(at)
            ),
        )


def _credit(reputation: Counter) -> None:
    """Add reputation with one UPDATE per distinct amount, not one per person."""
    by_points = defaultdict(list)
    for user_id, points in reputation.items():
        if points:
            by_points[points].append(user_id)
    for points, user_ids in by_points.items():
        for start in range(0, len(user_ids), 500):
            User.objects.filter(pk__in=user_ids[start : start + 500]).update(
                reputation=F("reputation") + points
            )


# --- Support history -----------------------------------------------------------------


def _build_support(world: _World) -> _Support:
    """Agents, queues, a Shanghai business calendar and a policy per category (an existing
    policy, calendar or queue is kept)."""
    name, zone, opens_at, closes_at = SUPPORT_CALENDAR
    with transaction.atomic():
        queues = {
            slug: Queue.objects.get_or_create(slug=slug, defaults={"name": queue_name})[0]
            for slug, queue_name in SUPPORT_QUEUES.items()
        }
        calendar, created = BusinessCalendar.objects.get_or_create(
            name=name, defaults={"time_zone": zone}
        )
        if created:
            OpeningHours.objects.bulk_create(
                OpeningHours(calendar=calendar, weekday=day, opens_at=opens_at, closes_at=closes_at)
                for day in range(5)
            )
        EscalationPolicy.objects.get_or_create(
            category=None, defaults={"calendar": calendar, "ticket_queue": queues["general"]}
        )
        for slug, category in world.categories.items():
            EscalationPolicy.objects.get_or_create(
                category=category,
                defaults={
                    "calendar": calendar,
                    "ticket_queue": queues[QUEUE_OF.get(slug, "general")],
                    "escalate_unsolved_after": ESCALATE_UNSOLVED_AFTER,
                },
            )
        tag = _unused_username_tag()
        agents = User.objects.bulk_create(
            User(
                username=f"agent_{tag}{index}",
                email=f"agent_{tag}{index}@scale.example",
                password=make_password(None),
                display_name=world.rng.choice(ZH_NAMES + EN_NAMES),
                is_staff=True,
                date_joined=world.now - timedelta(days=HISTORY_DAYS + 30),
            )
            for index in range(AGENT_COUNT)
        )
        Group.objects.get_or_create(name=roles.AGENTS)[0].user_set.add(*agents)
    return _Support(
        agent_ids=[agent.pk for agent in agents],
        queue_ids={slug: queues[QUEUE_OF.get(slug, "general")].pk for slug in world.categories},
    )


def _hours(rng: random.Random, median: float, spread: float = 1.0) -> timedelta:
    """A log-normal wait of `median` hours: most near it, a long tail of slow ones."""
    return timedelta(hours=rng.lognormvariate(log(median), spread))


def _plan_ticket(world: _World, plan: _PlannedThread) -> None:
    """Whether the thread needed help or went to the support team, and what happened then,
    as the sweep and the escalation services would have recorded it."""
    rng, now, values = world.rng, world.now, plan.values
    support = world.support
    asked = values["created_at"]
    answered = values["first_reply_at"] is not None
    solved = values.get("state") == Thread.State.SOLVED
    if not answered and asked + NEEDS_HELP_AFTER <= now:
        values["needs_help_at"] = asked + NEEDS_HELP_AFTER
    draw = rng.random()
    if draw < MODERATOR_SHARE:
        reason, opened = Ticket.Reason.MODERATOR, asked + _hours(rng, 3)
    elif solved:
        return
    elif not answered:
        if draw < ESCALATED_UNANSWERED_SHARE:
            reason, opened = Ticket.Reason.UNANSWERED, asked + ESCALATE_AFTER
        elif draw < ESCALATED_UNANSWERED_SHARE + ASKER_SHARE:
            reason, opened = Ticket.Reason.ASKER, asked + _hours(rng, 6, 0.5)
        else:
            return
    elif draw < MODERATOR_SHARE + ASKER_SHARE:
        reason, opened = Ticket.Reason.ASKER, values["first_reply_at"] + _hours(rng, 8)
    elif draw < MODERATOR_SHARE + ASKER_SHARE + UNSOLVED_SHARE:
        reason, opened = Ticket.Reason.UNSOLVED, asked + ESCALATE_UNSOLVED_AFTER
    else:
        return
    if opened > now:
        return
    category_slug = next(
        slug for slug, category in world.categories.items() if category.pk == values["category_id"]
    )
    requester = values["author_id"]
    opener = {Ticket.Reason.ASKER: requester, Ticket.Reason.MODERATOR: world.moderator_id}
    agent = rng.choice(support.agent_ids)
    ticket = {
        "reference": "",  # from the id, when written
        "requester_id": requester,
        "reason": reason,
        "priority": 20,
        "queue_id": support.queue_ids[category_slug],
        "assignee_id": None,
        "category_id": values["category_id"],
        "created_at": opened,
        "escalation_count": 1,
        "first_response_due_at": opened + FIRST_RESPONSE_TARGET,
        "resolution_due_at": opened + RESOLUTION_TARGET,
        "first_responded_at": None,
        "resolved_at": None,
        "closed_at": None,
        "first_response_breached_at": None,
        "resolution_breached_at": None,
        "close_at": None,
        "resolution": "",
    }
    planned = _PlannedTicket(values=ticket)
    planned.events.append((TicketEvent.Kind.CREATED, opener.get(reason), "", "new", opened))
    status, last = "new", opened
    responded = opened + _hours(rng, 3, 1.1)
    if responded <= now:
        ticket.update(assignee_id=agent, first_responded_at=responded)
        planned.events.append((TicketEvent.Kind.STAFF_REPLIED, agent, "", "", responded))
        status, last = "open", responded
    elif rng.random() < 0.5:
        ticket["assignee_id"] = agent
    if ticket["first_response_due_at"] < min(responded, now):
        ticket["first_response_breached_at"] = ticket["first_response_due_at"]
        planned.events.append(
            (
                TicketEvent.Kind.FIRST_RESPONSE_BREACHED,
                None,
                "",
                "",
                ticket["first_response_due_at"],
            )
        )
    cycle, began = 1, opened
    while status == "open":
        resolved = last + _hours(rng, 16, 1.2)
        if min(resolved, now) > began + RESOLUTION_TARGET and not ticket["resolution_breached_at"]:
            ticket["resolution_breached_at"] = began + RESOLUTION_TARGET
            planned.events.append(
                (TicketEvent.Kind.RESOLUTION_BREACHED, None, "", "", began + RESOLUTION_TARGET)
            )
        if resolved > now:
            break
        planned.events.append((TicketEvent.Kind.RESOLVED, agent, "open", "resolved", resolved))
        ticket.update(resolved_at=resolved, resolution="answered")
        status, last = "resolved", resolved
        rated = resolved + _hours(rng, 5)
        if rng.random() < RATED_SHARE and rated <= now:
            score = rng.choices(list(RATING_WEIGHTS), weights=list(RATING_WEIGHTS.values()))[0]
            comment = rng.choice(RATING_COMMENTS) if rng.random() < 0.15 else ""
            planned.ratings.append((cycle, score, comment, rated))
            planned.events.append((TicketEvent.Kind.RATED, requester, "", "", rated))
        reopened = resolved + _hours(rng, 20)
        if cycle == 1 and rng.random() < REOPEN_SHARE and reopened <= now:
            planned.events.append(
                (TicketEvent.Kind.REOPENED, requester, "resolved", "open", reopened)
            )
            cycle, began, last, status = 2, reopened, reopened, "open"
            ticket.update(
                escalation_count=2,
                resolved_at=None,
                resolution="",
                resolution_due_at=reopened + RESOLUTION_TARGET,
            )
    if status == "resolved":
        ticket["close_at"] = last + CLOSE_RESOLVED_AFTER
        if ticket["close_at"] <= now:
            ticket.update(closed_at=ticket["close_at"], close_at=None)
            planned.events.append(
                (TicketEvent.Kind.CLOSED, None, "resolved", "closed", ticket["closed_at"])
            )
            status, last = "closed", ticket["closed_at"]
        values["support_resolved_at"] = ticket["resolved_at"]
    else:
        values["escalated_at"] = began
    ticket.update(status=status, updated_at=last)
    ticket["sla_due_at"] = compute_sla_due_at(SimpleNamespace(**ticket))
    planned.events.sort(key=lambda event: event[-1])
    plan.ticket = planned


def _ticket_rows(plans: list[_PlannedThread]) -> tuple[list, list, list]:
    """The rows of the batch's tickets, their events and ratings. Inside _write's
    transaction, after the threads have their ids."""
    planned = [plan for plan in plans if plan.ticket]
    ticket_rows, event_rows, rating_rows = [], [], []
    for plan, ticket_id in zip(planned, _reserve_ids(Ticket, len(planned)), strict=True):
        ticket = plan.ticket.values
        # References from the id: random ones collide by the thousand at this size.
        ticket.update(
            id=ticket_id, thread_id=plan.values["id"], reference=f"HO-{9_000_000 - ticket_id}"
        )
        ticket_rows.append(tuple(ticket[name] for name in _TICKET_FIELDS))
        event_rows.extend((ticket_id, *event) for event in plan.ticket.events)
        rating_rows.extend(
            (ticket_id, cycle, score, comment, at, at if comment else None)
            for cycle, score, comment, at in plan.ticket.ratings
        )
    return ticket_rows, event_rows, rating_rows


def _write_refusals(world: _World, *, first, last) -> int:
    """The secret guard's daily counters, a few refusals a day (a day already counted is kept)."""
    rows = []
    day = first
    while day <= last:
        for kind, where, mean in REFUSAL_KINDS:
            count = sum(world.rng.random() < mean / 4 for _ in range(4))
            if count:
                rows.append((day, kind, where, count))
        day += timedelta(days=1)
    with transaction.atomic():
        return len(_REFUSALS.insert_new(rows))
