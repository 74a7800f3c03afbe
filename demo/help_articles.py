"""The demo's help articles: a few knowledge-base entries in English and Chinese, written
by the agent tom_support through help.services, some made from the demo's solved threads.
Idempotent: an article is found again by its English or Chinese question."""

from django.db.models import Q

from accounts import powers
from accounts.models import User
from forum.models import Category, Thread
from help.models import Article
from help.services import articles

# (category slug, source thread title or "", English (question, answer, steps),
#  Chinese (question, answer, steps)); a language left as ("", "", "") is not written.
ARTICLES = [
    (
        "transfers",
        "USDT on TRON stuck pending",
        (
            "Why does my transfer stay pending?",
            "A transfer is pending until the network confirms it. Look its hash up on the "
            "network's block explorer: if it is confirmed there, the wallet shows it after a "
            "refresh; if it failed, the coins never left.",
            "Copy the transaction hash from the transfer's details\n"
            "Open the block explorer of that network (Tronscan for TRON, Etherscan for Ethereum)\n"
            "Paste the hash and read its status\n"
            "Confirmed: pull down to refresh the wallet. Failed: the coins are still yours",
        ),
        (
            "转账一直显示“待确认”怎么办？",
            "转账在网络确认之前都会显示待确认。请在该网络的区块浏览器上查询交易哈希：已确认则刷新钱包即可看到；"
            "失败则资产没有转出。",
            "在转账详情里复制交易哈希\n打开对应网络的区块浏览器（TRON 用 Tronscan，以太坊用 Etherscan）\n"
            "粘贴哈希查看状态\n已确认：下拉刷新钱包；失败：资产仍在您的钱包里",
        ),
    ),
    (
        "transfers",
        "转账到交易所显示成功，但交易所一直没到账",
        (
            "My transfer to an exchange succeeded but the exchange shows nothing",
            "When the block explorer shows the transfer as successful, the coins have reached "
            "the exchange's address: only the exchange can credit them. Send its support the "
            "transaction hash, and check you used the network and memo the exchange asked for.",
            "Check the transfer on the block explorer\n"
            "Compare the network and memo with the exchange's deposit page\n"
            "Send the exchange's support the transaction hash",
        ),
        (
            "转账到交易所显示成功，但交易所没到账",
            "区块浏览器显示成功，说明资产已经到了交易所的地址，只有交易所能为您入账。请把交易哈希发给交易所客服，"
            "并核对充值时使用的网络和备注（Memo）是否与交易所要求一致。",
            "在区块浏览器上确认转账成功\n核对网络和备注是否与交易所充值页一致\n把交易哈希发给交易所客服",
        ),
    ),
    (
        "security",
        "有人私信说是客服要我的助记词",
        (
            "Someone from \u201csupport\u201d asked for my recovery phrase",
            "It is a scam. Our support team never asks for your recovery phrase or private "
            "key, never contacts you first, and answers only in the forum with a "
            "\u201c\u2714 Support team\u201d badge.",
            "Do not reply and do not click their links\n"
            "Report the account with the Flag button\n"
            "If you already shared the phrase, move your assets to a new wallet at once",
        ),
        (
            "有人自称客服向我要助记词",
            "这是诈骗。我们的客服绝不会索要您的助记词或私钥，不会主动联系您，只在论坛里以带"
            "“✔ 客服团队”标识的身份回答。",
            "不要回复，不要点击对方的链接\n用“举报”按钮举报该账户\n如已泄露助记词，请立即把资产转到新钱包",
        ),
    ),
    (
        "install",
        "How do I verify the official download?",
        (
            "How do I know I have the official app?",
            "Download the app only from the links on the official website or your phone's "
            "app store, and check the publisher's name. Copies from other sites can steal "
            "your assets.",
            "Open the official website by typing its address\n"
            "Use its links to the app store or the download\n"
            "Check the publisher before installing",
        ),
        ("", "", ""),
    ),
    (
        "balances",
        "",
        ("", "", ""),
        (
            "代币不显示怎么添加？",
            "有些代币需要手动添加才会显示。请在资产页点击“添加代币”，搜索名称或粘贴代币合约地址。"
            "合约地址请从项目官网或区块浏览器获取。",
            "打开资产页，点击“添加代币”\n搜索代币名称，或粘贴合约地址\n确认网络正确后添加",
        ),
    ),
]


def seed_help_articles() -> int:
    """Create the demo's help articles that are missing. Returns how many it created."""
    author = powers.mark_verified(User.objects.get(username="tom_support"))
    categories = {category.slug: category for category in Category.objects.all()}
    created = 0
    for slug, thread_title, english, chinese in ARTICLES:
        (question_en, answer_en, steps_en), (question_zh, answer_zh, steps_zh) = english, chinese
        known = Q(question_en=question_en) if question_en else Q(question_zh=question_zh)
        if Article.objects.filter(known).exists():
            continue
        thread = Thread.objects.filter(title=thread_title).first() if thread_title else None
        if thread is not None and Article.objects.filter(source_thread=thread).exists():
            thread = None
        articles.create_article(
            actor=author,
            category=categories[slug],
            source_thread=thread,
            question_en=question_en,
            answer_en=answer_en,
            steps_en=steps_en,
            question_zh=question_zh,
            answer_zh=answer_zh,
            steps_zh=steps_zh,
        )
        created += 1
    return created
