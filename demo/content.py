"""What the demo site contains. Data only; demo.services writes it."""

from dataclasses import dataclass

from escalation.models import Priority
from forum.models import Flag
from forum.wallet import TxFormat

DEMO_PASSWORD = "handoff-demo-2026"

# (username, email, display name, role, language, time zone)
PEOPLE = [
    ("admin", "admin@example.com", "Site admin", "admin", "en", "UTC"),
    ("mei_support", "mei@example.com", "Mei", "agent", "zh-hans", "Asia/Shanghai"),
    ("tom_support", "tom@example.com", "Tom", "agent", "en", "Europe/Berlin"),
    ("wendy", "wendy@example.com", "Wendy", "moderator", "en", "America/New_York"),
    ("alice", "alice@example.com", "Alice", "member", "en", "America/New_York"),
    ("bob", "bob@example.com", "Bob", "member", "en", "Europe/London"),
    ("chen_wei", "chenwei@example.com", "陈伟", "member", "zh-hans", "Asia/Shanghai"),
    ("li_na", "lina@example.com", "李娜", "member", "zh-hans", "Asia/Shanghai"),
    ("dmitri", "dmitri@example.com", "Dmitri", "member", "en", "Europe/Berlin"),
    # A scammer posing as support: the demo shows what flags and hidden posts are for. Names
    # with "support" in them are kept for staff (safety/names.py), so he picked another.
    ("wallet_recovery_desk", "desk@example.net", "Wallet Recovery 24/7", "member", "en", "UTC"),
]

# (slug, English name, Chinese name, English description, Chinese description, colour,
#  asks for wallet details)
CATEGORIES = [
    (
        "transfers",
        "Transfers",
        "转账",
        "Sending and receiving: pending, failed or missing transfers, fees and networks.",
        "发送与接收：转账卡住、失败或未到账，手续费与网络选择。",
        "#2563eb",
        True,
    ),
    (
        "balances",
        "Balances & assets",
        "资产",
        "Balances that look wrong, tokens that do not show, adding custom tokens.",
        "余额显示不对、代币不显示、添加自定义代币。",
        "#059669",
        True,
    ),
    (
        "security",
        "Security",
        "安全",
        "Backups, recovery, suspicious messages and scams. Never share your recovery phrase.",
        "备份、恢复、可疑信息与诈骗。切勿透露助记词。",
        "#dc2626",
        False,
    ),
    (
        "install",
        "Install & update",
        "下载安装",
        "Getting the app on your phone or computer, updates and official download sources.",
        "在手机或电脑上安装应用、更新与官方下载渠道。",
        "#7c3aed",
        False,
    ),
    (
        "dapps",
        "DApps",
        "DApps",
        "Connecting to decentralised apps, approvals, swaps and bridges.",
        "连接去中心化应用、授权、兑换与跨链桥。",
        "#d97706",
        False,
    ),
    (
        "other",
        "Other",
        "其他",
        "Anything else about the wallet.",
        "其他与钱包相关的问题。",
        "#64748b",
        False,
    ),
]

# (name, transaction hash format): the networks the ask form offers.
CHAINS = [
    ("Ethereum", TxFormat.EVM),
    ("BNB Smart Chain", TxFormat.EVM),
    ("TRON", TxFormat.TRON),
    ("Bitcoin", TxFormat.BITCOIN),
    ("Solana", TxFormat.SOLANA),
]


@dataclass(frozen=True)
class DemoFlag:
    reporter: str
    reason: str
    note: str = ""


@dataclass(frozen=True)
class DemoReply:
    author: str
    body: str
    minutes_after_question: int
    votes: tuple[str, ...] = ()
    flags: tuple[DemoFlag, ...] = ()
    hidden_by: str = ""
    hide_reason: str = ""
    is_accepted: bool = False


@dataclass(frozen=True)
class DemoThread:
    """A question and what happened to it. Threads are found again by title."""

    title: str
    category: str
    author: str
    body: str
    hours_ago: int
    replies: tuple[DemoReply, ...] = ()
    votes: tuple[str, ...] = ()  # on the question
    chain: str = ""
    app_version: str = ""
    device: str = ""
    tx_hash: str = ""
    closed_by: str = ""
    close_reason: str = ""


SCAM = Flag.Reason.SCAM

# Every state a thread can be in, once in English and once in Chinese: unanswered,
# answered, solved, closed, with a hidden post, with a post waiting in the flag queue,
# and with wallet details.
THREADS = [
    DemoThread(
        title="USDT on TRON stuck pending",
        category="transfers",
        author="alice",
        hours_ago=30,
        chain="TRON",
        app_version="5.12.3",
        device="iPhone 15 Pro, iOS 17.5",
        tx_hash="7c2d9f0e4b1a63c8d5e2f7a9b0c1d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0",
        body=(
            "I sent **250 USDT** (TRC-20) to my exchange account about an hour ago and the "
            "wallet still shows *Pending*. TronScan says `OUT_OF_ENERGY`.\n\n"
            "I have about 3 TRX in the account. Is the money lost?"
        ),
        votes=("dmitri",),
        replies=(
            DemoReply(
                author="bob",
                minutes_after_question=25,
                votes=("chen_wei", "dmitri"),
                is_accepted=True,
                body=(
                    "Not lost. A TRC-20 transfer that runs out of energy fails on chain, and "
                    "the USDT never leaves your address; only the TRX burnt for the attempt "
                    "is gone.\n\n"
                    "1. Keep about **30 TRX** in the account (or stake TRX for energy).\n"
                    "2. Send again.\n\n"
                    "The confirm screen shows how much TRX the transfer will burn."
                ),
            ),
            DemoReply(
                author="alice",
                minutes_after_question=70,
                body="Topped up 35 TRX and sent again: it arrived in a minute. Thanks, Bob!",
            ),
            DemoReply(
                author="tom_support",
                minutes_after_question=90,
                votes=("alice",),
                body=(
                    "Bob is right. Since 5.12 the app warns on the confirm screen when a "
                    "TRC-20 transfer will burn TRX; if the account holds less than that, the "
                    "transfer fails and the fee is still charged."
                ),
            ),
        ),
    ),
    DemoThread(
        title="How do I verify the official download?",
        category="install",
        author="dmitri",
        hours_ago=50,
        body=(
            "I'm moving to a new Android phone. The store shows three apps with the same logo. "
            "How do I know which one is real? Is there a checksum I can compare for the APK?"
        ),
        votes=("alice", "bob"),
        replies=(
            DemoReply(
                author="wendy",
                minutes_after_question=40,
                votes=("bob",),
                body=(
                    "Only use the links on the official website; they point to the one real "
                    "store listing. The site also publishes the SHA-256 of every APK:\n\n"
                    "```\nsha256sum wallet-5.12.3.apk\n```\n\n"
                    "If the output differs from the website's, delete the file."
                ),
            ),
            DemoReply(
                author="bob",
                minutes_after_question=120,
                body=(
                    "Also check the developer name and the download count on the store page. "
                    "Fakes have a few thousand downloads and a slightly different name."
                ),
            ),
        ),
    ),
    DemoThread(
        title="Swap on a DEX failed but the network fee was taken",
        category="dapps",
        author="bob",
        hours_ago=3,
        body=(
            "I tried to swap 0.2 ETH for USDC on a DEX through the in-app browser. The swap "
            "failed with *execution reverted*, yet the fee is gone. Why do I pay for a swap "
            "that did not happen, and how do I stop it from happening again?"
        ),
    ),
    DemoThread(
        title="Which wallet is best for trading memecoins?",
        category="other",
        author="dmitri",
        hours_ago=70,
        closed_by="wendy",
        close_reason="Off topic: this forum helps with the wallet, not with what to trade.",
        body=(
            "Thinking of moving my memecoins somewhere with faster swaps. Which wallet do you "
            "use for trading, and which coins are you buying this week?"
        ),
        replies=(
            DemoReply(
                author="alice",
                minutes_after_question=30,
                body="Not financial advice, but most memecoins go to zero. Be careful out there.",
            ),
        ),
    ),
    DemoThread(
        title="Tokens I never bought appeared in my wallet",
        category="balances",
        author="bob",
        hours_ago=20,
        body=(
            "This morning my wallet shows 50,000 of a token called ELONX, worth $4,000 "
            "according to the app. I never bought it. The token's name is a website that "
            "says I can claim it. Can I sell them?"
        ),
        replies=(
            DemoReply(
                author="wallet_recovery_desk",
                minutes_after_question=15,
                flags=(
                    DemoFlag(
                        "alice", SCAM, "Pretends to be support and asks for the recovery phrase."
                    ),
                ),
                hidden_by="wendy",
                hide_reason="Phishing: asks for the recovery phrase.",
                body=(
                    "Hello, this is the official support team. Your wallet must be re-synced "
                    "before you can claim. Visit https://wallet-sync-claim.example and enter "
                    "your 12 words to validate your wallet."
                ),
            ),
            DemoReply(
                author="dmitri",
                minutes_after_question=40,
                votes=("bob", "alice"),
                body=(
                    "Don't touch them. Scam airdrops lure you to a site that drains your wallet "
                    'when you approve the "claim". Long-press the token and choose **Hide**.'
                ),
            ),
        ),
    ),
    DemoThread(
        title='App stuck on "Syncing" after the update',
        category="install",
        author="alice",
        hours_ago=8,
        body=(
            "Since I updated to 5.12.3 this morning the home screen says *Syncing…* forever and "
            "shows no balances. I restarted the phone twice. Pixel 8, Android 14."
        ),
        replies=(
            DemoReply(
                author="wallet_recovery_desk",
                minutes_after_question=30,
                flags=(DemoFlag("bob", SCAM, "A download link that is not the official site."),),
                body=(
                    "Known bug. Download the fixed version here: "
                    "https://fast-wallet-update.example/apk and import your wallet again."
                ),
            ),
            DemoReply(
                author="tom_support",
                minutes_after_question=60,
                body=(
                    "Please don't install anything from links in replies. Open **Settings → "
                    "Network**, switch to another node and pull down to refresh. If it still "
                    "syncs after that, tell me which node you picked."
                ),
            ),
        ),
    ),
    DemoThread(
        title="更新后余额显示为0，币还在吗？",
        category="balances",
        author="chen_wei",
        hours_ago=26,
        chain="BNB Smart Chain",
        app_version="5.12.3",
        device="Xiaomi 14, HyperOS 1.0",
        body=(
            "昨晚把钱包更新到 5.12.3，今天打开发现 BNB 和 USDT 的**余额都显示为0**。"
            "助记词没有泄露过，币是不是被盗了？"
        ),
        votes=("li_na",),
        replies=(
            DemoReply(
                author="li_na",
                minutes_after_question=20,
                votes=("chen_wei", "alice"),
                is_accepted=True,
                body=(
                    "别慌，币在链上，钱包只是读取链上数据。先去 BscScan 查一下你的地址，"
                    "如果币还在，就在**设置 → 网络**里换一个节点，然后下拉刷新。"
                ),
            ),
            DemoReply(
                author="chen_wei",
                minutes_after_question=45,
                body="换了节点之后余额马上就出来了，虚惊一场，非常感谢！",
            ),
            DemoReply(
                author="mei_support",
                minutes_after_question=80,
                body=(
                    "补充一下：5.12.3 在部分安卓机上默认节点连接不稳定，下个版本会修复。"
                    "在此之前请按上面的方法切换节点。"
                ),
            ),
        ),
    ),
    DemoThread(
        title="有人私信说是客服要我的助记词",
        category="security",
        author="li_na",
        hours_ago=12,
        body=(
            "刚才有人在电报上私信我，头像是钱包的标志，说我的账户有风险，"
            "要我把**助记词**发给他做“安全验证”，不然资产会被冻结。这是真的客服吗？"
        ),
        votes=("chen_wei", "alice"),
        replies=(
            DemoReply(
                author="wallet_recovery_desk",
                minutes_after_question=10,
                flags=(DemoFlag("chen_wei", SCAM, "冒充客服索要助记词。"),),
                hidden_by="wendy",
                hide_reason="冒充客服，索要助记词。",
                body="您好，我是官方客服。您的钱包存在风险，请把12个助记词私信发给我进行安全验证。",
            ),
            DemoReply(
                author="mei_support",
                minutes_after_question=25,
                votes=("li_na", "chen_wei"),
                is_accepted=True,
                body=(
                    "这是诈骗。官方客服**永远不会**主动私信你，也不会索要助记词或私钥。"
                    "真正的工作人员只在论坛里回复，名字旁边有“支持团队”标志。请直接拉黑并举报。"
                ),
            ),
        ),
    ),
    DemoThread(
        title="转账到交易所显示成功，但交易所一直没到账",
        category="transfers",
        author="li_na",
        hours_ago=6,
        chain="Ethereum",
        app_version="5.12.1",
        device="iPhone 12, iOS 16.7",
        tx_hash="0x3f1e5d7c9b2a4f6e8d0c1b3a5f7e9d2c4b6a8f0e1d3c5b7a9f2e4d6c8b0a1f3e",
        body=(
            "从钱包往交易所转了 500 USDT（ERC-20），区块浏览器上显示成功，"
            "已经过了两个小时，交易所还是没有到账。要怎么处理？"
        ),
        replies=(
            DemoReply(
                author="chen_wei",
                minutes_after_question=30,
                votes=("li_na",),
                body=(
                    "浏览器上显示成功，说明币已经到了交易所的地址。交易所要等足够的确认数才入账，"
                    "超过一小时还没到，就带着交易哈希联系交易所客服。"
                ),
            ),
        ),
    ),
    DemoThread(
        title="DApp 连接钱包后一直转圈，没有任何反应",
        category="dapps",
        author="chen_wei",
        hours_ago=2,
        body=(
            "在钱包的浏览器里打开一个 DApp，点“连接钱包”之后一直转圈，"
            "也没有弹出授权窗口。换了两个网络都一样，是哪里设置不对吗？"
        ),
    ),
    DemoThread(
        title="求推荐靠谱的理财项目，年化 20% 以上",
        category="other",
        author="li_na",
        hours_ago=60,
        closed_by="wendy",
        close_reason="与钱包使用无关，论坛不讨论投资建议。",
        body="手里有一些 USDT 闲着，想找个年化 20% 以上又安全的理财项目，大家有推荐吗？",
        replies=(
            DemoReply(
                author="chen_wei",
                minutes_after_question=45,
                body="年化 20% 以上还说保本的基本都是骗局，千万小心，别把币转给陌生人。",
            ),
        ),
    ),
    DemoThread(
        title="钱包更新后打开就闪退，怎么办？",
        category="install",
        author="chen_wei",
        hours_ago=9,
        body=(
            "今天把钱包更新到最新版本，打开后启动画面一闪就退出了，"
            "重启手机也没用。华为 P60，鸿蒙 4。资产会不会有问题？"
        ),
        replies=(
            DemoReply(
                author="wallet_recovery_desk",
                minutes_after_question=20,
                flags=(DemoFlag("li_na", SCAM, "假的下载链接。"),),
                body=(
                    "这是已知问题，请在这里下载修复版：https://fast-wallet-update.example/cn "
                    "安装后导入助记词即可。"
                ),
            ),
            DemoReply(
                author="mei_support",
                minutes_after_question=50,
                body=(
                    "请不要安装回复里的任何链接，只从官网下载。闪退可以先清除应用缓存再打开；"
                    "资产在链上，不会因为应用闪退受影响。"
                ),
            ),
        ),
    ),
]


# --- The support team's side: queues, a calendar, policies -----------------------

# (slug, name)
QUEUES = [
    ("general", "General"),
    ("transfers-balances", "Transfers & balances"),
    ("security", "Security"),
]

CALENDAR_NAME = "Support team, Shanghai"
CALENDAR_TIME_ZONE = "Asia/Shanghai"
CALENDAR_HOURS = ("09:00", "18:00")  # Monday to Friday, and on make-up working days
CALENDAR_YEARS = (2026, 2027)  # public holidays and 调休 from demo.calendar


@dataclass(frozen=True)
class DemoPolicy:
    """A category's escalation policy (category None: the site default). Counted in the
    calendar's open hours, so an hour here is an hour of the team's working day."""

    category: str | None
    queue: str
    answered_when: str = "reply"
    needs_help_hours: int = 4
    escalate_hours: int = 24
    escalate_unsolved_hours: int | None = None
    priority: int = Priority.NORMAL
    first_response_hours: int = 8
    resolution_hours: int = 72


POLICIES = [
    DemoPolicy(category=None, queue="general"),
    # Money that seems gone: quick, and a transfer answered but never solved still
    # reaches staff after three working days (27 open hours; timedelta(days=3) would be
    # 72 open hours, eight working days).
    DemoPolicy(
        category="transfers",
        queue="transfers-balances",
        needs_help_hours=2,
        escalate_hours=8,
        escalate_unsolved_hours=27,
        first_response_hours=4,
    ),
    # A balance question is answered once someone's answer helped (a helpful vote).
    DemoPolicy(category="balances", queue="transfers-balances", answered_when="helpful"),
    # Scams and stolen funds: only the support team's word counts, and fast.
    DemoPolicy(
        category="security",
        queue="security",
        answered_when="staff_reply",
        needs_help_hours=1,
        escalate_hours=4,
        priority=Priority.HIGH,
        first_response_hours=2,
        resolution_hours=24,
    ),
    DemoPolicy(category="install", queue="general"),
    # DApp answers are often guesses: escalate until the asker accepts one.
    DemoPolicy(category="dapps", queue="general", answered_when="accepted"),
    DemoPolicy(category="other", queue="general", priority=Priority.LOW),
]

# Helpers: members who opted in to hear about questions that need help in the
# categories they follow. (username, category slugs)
HELPERS = [
    ("bob", ("transfers", "dapps")),
    ("chen_wei", ("security", "balances", "dapps")),
]


@dataclass(frozen=True)
class DemoStep:
    """One thing a person does to an escalation demo thread, `minutes` after the last thing.

    action (each goes through the service a page would call):
    - reply: a forum reply (body).
    - ask_staff: the asker asks the support team (body is the note).
    - escalate: a moderator or agent hands the thread over (body is the note).
    - claim: the agent takes the ticket.
    - staff_reply: the agent answers in the thread (body), which leaves the ticket waiting on
      the asker; canned_reply: the same, from the canned reply titled body, filled in.
    - note: an internal note (body, markdown).
    - resolve: the agent resolves the ticket (body is the resolution note).
    - accept: the asker marks the latest support team answer as the one that solved it.
    - rate: the asker rates the help (score) from the survey, with a comment (body).
    """

    minutes: int
    action: str
    actor: str
    body: str = ""
    score: int = 0


@dataclass(frozen=True)
class EscalationDemo:
    """A question the escalation clocks or people have acted on. Found again by title.

    Asked `open_hours_ago` hours of the support calendar's open time before the seed
    runs, which decides how far its clocks have got whatever the day and hour. `steps`
    start from the question; `after_sweep` from the ticket the sweep opened. The sweep
    runs at every deadline that falls before the seed, as beat would: escalations, missed
    response targets, tickets closing by themselves.
    """

    title: str
    category: str
    author: str
    body: str
    open_hours_ago: int
    steps: tuple[DemoStep, ...] = ()
    after_sweep: tuple[DemoStep, ...] = ()
    chain: str = ""
    app_version: str = ""


# Needs help (flagged, not yet escalated) and escalated, in both languages: by the
# sweep (unanswered, and answered but unsolved), by the asker with a note, by a
# moderator; tickets new (two past their first-response target), open, waiting on the
# asker, resolved and rated, and closed.
ESCALATIONS = [
    EscalationDemo(
        title="Bridged USDC to Arbitrum and nothing has arrived",
        category="dapps",
        author="dmitri",
        open_hours_ago=6,  # needs help after 4 h, escalates after 24 h
        body=(
            "I used a bridge in the in-app browser to move 300 USDC from Ethereum to "
            "Arbitrum. The Ethereum transaction is confirmed, but on Arbitrum my wallet still "
            "shows 0 USDC. Do I have to claim it somewhere, or add the token first?"
        ),
    ),
    EscalationDemo(
        title="用助记词导入钱包后，地址和原来的不一样",
        category="security",
        author="li_na",
        open_hours_ago=2,  # needs help after 1 h, escalates after 4 h
        body=(
            "换了新手机，用助记词导入钱包后，显示的地址和旧手机上的不一样，余额也是 0。"
            "旧手机已经恢复出厂设置了。是助记词记错了吗？我的币还能找回来吗？"
        ),
    ),
    EscalationDemo(
        title="Sent USDT to an exchange on BNB Smart Chain instead of TRON",
        category="transfers",
        author="bob",
        # Escalated by the sweep at 8 h with nobody on duty: new and unassigned, and past
        # its first-response target (4 h) since 12 h.
        open_hours_ago=14,
        chain="BNB Smart Chain",
        app_version="5.12.3",
        body=(
            "I sent 120 USDT to my exchange deposit address but picked BNB Smart Chain in the "
            "wallet; the exchange only lists TRC-20 deposits. The transfer is confirmed on "
            "BscScan. Can the wallet team help get it back, or only the exchange?"
        ),
    ),
    EscalationDemo(
        title="收到一笔陌生转账后，对方让我授权“退款”，要不要点？",
        category="security",
        author="li_na",
        # Only a staff answer counts in Security: escalated by the sweep at 4 h although
        # Alice answered, new and unassigned, past its first-response target (2 h) since 6 h.
        open_hours_ago=7,
        body=(
            "钱包里突然多了 50 USDT，不是我认识的人转的。随后有人私信我说转错了，"
            "发来一个链接让我在 DApp 里点“授权退款”。我应该退给他吗？点授权安全吗？"
        ),
        steps=(
            DemoStep(
                25,
                "reply",
                "alice",
                'Please don\'t approve anything: a "refund" approval lets them spend your '
                "tokens. Leave the 50 USDT alone and wait for the support team.",
            ),
        ),
    ),
    EscalationDemo(
        title="从交易所提币到钱包，交易所显示已完成，钱包里却没有",
        category="balances",
        author="chen_wei",
        open_hours_ago=30,  # escalated by the sweep at 24 h; Mei is on it
        chain="TRON",
        app_version="5.12.3",
        body=(
            "昨天从交易所提了 800 USDT（TRC-20）到钱包，交易所显示“已完成”，"
            "但钱包里的余额没有变化，也看不到这笔记录。地址我核对过，是对的。"
        ),
        after_sweep=(
            DemoStep(20, "claim", "mei_support"),
            DemoStep(15, "canned_reply", "mei_support", "索取交易哈希"),
            DemoStep(
                50,
                "reply",
                "chen_wei",
                "我在 TronScan 上用我的地址查到了这笔 800 USDT 的转入，状态是 SUCCESS，"
                "确认数也很多了。但钱包首页和交易记录里还是看不到。",
            ),
            DemoStep(
                10,
                "note",
                "mei_support",
                "链上已确认到账（TronScan: SUCCESS）。钱包没显示，怀疑是用户所在地区的 "
                "TRON 节点同步落后。已请工程组查看节点 **tron-ap-2** 的区块高度，"
                "确认前先别让用户重新导入钱包。",
            ),
        ),
    ),
    EscalationDemo(
        title="Sent ETH to my own address on the wrong network",
        category="transfers",
        author="alice",
        open_hours_ago=6,
        chain="Ethereum",
        app_version="5.12.1",
        body=(
            "I moved 0.4 ETH from my wallet to my other address in the same wallet, but "
            "chose Arbitrum instead of Ethereum. The address is mine, yet the wallet shows "
            "nothing on either network. How do I see the funds again?"
        ),
        steps=(
            DemoStep(
                150,
                "ask_staff",
                "alice",
                "The receiving address is one of my own accounts; I can share the "
                "transaction hash.",
            ),
            DemoStep(40, "claim", "tom_support"),
            DemoStep(
                5,
                "note",
                "tom_support",
                "Same address on every EVM network, so the ETH is on Arbitrum One. If the "
                "hash confirms it, she only needs to add the network: no recovery needed.",
            ),
            DemoStep(
                5,
                "staff_reply",
                "tom_support",
                "Hi Alice, Tom from the support team. Your ETH is safe on Arbitrum at the "
                "same address. Could you paste the transaction hash here, and tell me which "
                "app version and phone you use? Never share your recovery phrase.",
            ),
        ),
    ),
    EscalationDemo(
        title="点了“钱包升级”短信里的链接后，资产被转走了",
        category="security",
        author="chen_wei",
        open_hours_ago=8,
        body=(
            "今天收到一条短信，说钱包需要升级，不然会冻结。我点开链接，按提示输入了信息，"
            "半小时后钱包里的 USDT 和 BNB 都被转走了。现在该怎么办？"
        ),
        steps=(
            DemoStep(
                15,
                "escalate",
                "wendy",
                "疑似钓鱼网站盗取助记词，请安全团队尽快跟进。",
            ),
            DemoStep(10, "claim", "mei_support"),
            DemoStep(
                20,
                "canned_reply",
                "mei_support",
                "钓鱼诈骗：立即转移资产",
            ),
            DemoStep(
                90,
                "reply",
                "chen_wei",
                "已经新建钱包并把剩下的币转过去了，也报了警。谢谢！",
            ),
            DemoStep(
                30,
                "resolve",
                "mei_support",
                "钓鱼短信导致助记词泄露。用户已新建钱包、转移剩余资产并报警；被盗资产无法追回。",
            ),
            DemoStep(
                45,
                "rate",
                "chen_wei",
                "回复很快，步骤也写得很清楚。可惜被转走的币追不回来了。",
                score=4,
            ),
        ),
    ),
    EscalationDemo(
        title="Is wallet-app-download.example the official download site?",
        category="install",
        author="alice",
        # Asked, answered, resolved and rated more than a week before the seed: the
        # resolved ticket closed by itself seven days after it was resolved.
        open_hours_ago=75,
        app_version="5.11.0",
        body=(
            "A friend sent me wallet-app-download.example to install the wallet on my new "
            "phone. The page looks like the official one but the logo is slightly different. "
            "Is it safe to download from there?"
        ),
        steps=(
            DemoStep(
                125,
                "ask_staff",
                "alice",
                "I have not installed anything yet, I want to be sure first.",
            ),
            DemoStep(30, "claim", "tom_support"),
            DemoStep(
                15,
                "canned_reply",
                "tom_support",
                "Official download sources",
            ),
            DemoStep(
                40,
                "resolve",
                "tom_support",
                "Look-alike download site; the asker used the official store instead.",
            ),
            DemoStep(5, "accept", "alice"),
            DemoStep(
                10,
                "rate",
                "alice",
                "Clear answer within the hour. Thank you for checking the site for me!",
                score=5,
            ),
        ),
    ),
    EscalationDemo(
        title="Withdrawal to my wallet is confirmed but the balance did not change",
        category="transfers",
        author="dmitri",
        open_hours_ago=30,  # answered, never solved: escalated by the sweep at 27 h
        chain="Solana",
        app_version="5.12.3",
        body=(
            "I withdrew 2 SOL from an exchange to this wallet. Solscan shows the transfer as "
            "confirmed to my address, but the wallet balance has not moved since yesterday."
        ),
        steps=(
            DemoStep(
                40,
                "reply",
                "bob",
                "Pull down on the home screen to refresh, and check under **Settings → "
                "Network** that Solana points at a working node.",
            ),
        ),
    ),
]

# Replies agents start from, in the staff workspace. (title, language, body) with the
# placeholders {asker_name}, {reference} and {thread_link}.
CANNED_REPLIES = [
    (
        "Ask for the transaction hash",
        "en",
        "Hi {asker_name}, this is the support team; your request is {reference}.\n\n"
        "Could you paste the transaction hash (TxID) of the transfer in the thread, and "
        "tell us which network you chose? We will check it on the block explorer.\n\n"
        "We will never ask for your recovery phrase or private key: anyone who does is a "
        "scammer.",
    ),
    (
        "Official download sources",
        "en",
        "Hi {asker_name}, thanks for checking before installing: that site is not ours.\n\n"
        "Install the wallet only from the App Store, Google Play, or the download page "
        "linked from our official website. A look-alike app can steal your recovery "
        "phrase the moment you import it.\n\n"
        "If you already installed it, move your funds to a new wallet made in the official "
        "app. Your request is {reference}; the whole thread stays here: {thread_link}",
    ),
    (
        "索取交易哈希",
        "zh-hans",
        "{asker_name} 您好，我是支持团队，您的工单号是 {reference}。\n\n"
        "请把这笔转账的交易哈希（TxID）贴在帖子里，并告诉我们您选择的网络，"
        "我们会在区块浏览器上核对。\n\n"
        "我们永远不会索要您的助记词或私钥，任何索要的人都是骗子。",
    ),
    (
        "钓鱼诈骗：立即转移资产",
        "zh-hans",
        "{asker_name} 您好，我是支持团队。您收到的是钓鱼诈骗，您输入的信息已经泄露，"
        "这个钱包不能再用了：\n\n"
        "1. 立即新建一个钱包（新的助记词），把剩余资产转过去；\n"
        "2. 在旧钱包里撤销所有授权；\n"
        "3. 保存好交易哈希，向当地警方报案。\n\n"
        "我们永远不会通过短信或私信联系您。工单号：{reference}，帖子：{thread_link}",
    ),
]

# Agents on duty when the seed ends (after the stories, so the tickets the sweep opened
# while nobody was on duty wait unassigned). (username, queue slugs; none: every queue)
AGENTS_ON_DUTY = [
    ("mei_support", ("security",)),
    ("tom_support", ()),
]
