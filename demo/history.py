"""Ten weeks of history for the demo, so the analytics have something to show.

seed_demo's stories (demo.services) play a handful of threads through the services, as
people would; this writes some six hundred older questions the fast way, with the bulk
writer (config.bulk), as the services and the sweep would have left them: posts, accepted
answers, follows, the "needs help" mark, tickets opened by the deadline, the asker or a
moderator, the team's answers (posts with the badge), first responses and resolutions in
and out of their targets (counted in the support calendar's hours, from the same policy
rules the sweep uses), reopenings, closing, the asker's ratings (some with a comment, in
English or Chinese), and the secret guard's daily counts. Nothing is notified: it is
history, not news.

The shape is a support forum in Shanghai: most questions on weekday evenings (China
time), fewer at night and at weekends. Four weeks before the seed, app 5.13.0 shipped
with a TRON fee estimate bug: transfer questions rise after it, and the team answers
them more slowly. That is the before/after the dashboard can show.

Written once, in one transaction, found again by its first thread's title: a second
seed adds nothing. Deterministic (a fixed random seed), relative to the first seed's date.
"""

import random
from datetime import date, datetime, time, timedelta
from math import log
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Count, F, Max

from accounts.models import User
from config.bulk import BulkInsert
from escalation.models import (
    SatisfactionRating,
    Ticket,
    TicketEvent,
    compute_sla_due_at,
    new_reference,
)
from escalation.policies import PolicyBook
from forum.markdown import render_markdown
from forum.models import Category, Follow, Post, Thread
from forum.search import index as search_index
from forum.services.answers import REPUTATION_FOR_ACCEPTED
from forum.services.common import make_slug
from safety.models import SecretRefusal

WEEKS = 10
RELEASE_DAYS_AGO = 28
RELEASE = "5.13.0"
SEED = 2026
ZONE = ZoneInfo("Asia/Shanghai")
# The newest history is this old: the stories of demo.services are the present.
ENDS_AGO = timedelta(hours=2)
FIRST_TITLE = "How to ask a good question here (read this first) · 如何提一个好问题"
GUIDE = (
    "Say which network and token, paste the transaction hash (never your recovery phrase), "
    "and what you already tried.\n\n"
    "请写明网络和代币，附上交易哈希（切勿发送助记词），以及您已经尝试过的办法。"
)

# Questions a day on average, before the release; weekends are quieter.
PER_DAY = 7.0
WEEKDAY_FACTOR = (1.0, 1.0, 1.0, 1.05, 1.1, 0.7, 0.6)
# The share of questions asked in each hour of the day, Shanghai time: a morning bump,
# lunch, and the evening peak after work.
HOUR_WEIGHTS = (
    2, 1, 1, 0.5, 0.5, 0.5, 1, 2, 4, 6, 6, 5,
    4, 5, 5, 5, 5, 5, 6, 8, 10, 11, 9, 5,
)  # fmt: skip
CATEGORY_WEIGHTS = {
    "transfers": 30,
    "balances": 20,
    "security": 14,
    "install": 14,
    "dapps": 14,
    "other": 8,
}
# After the release: transfer questions more than double, install questions rise a little.
AFTER_RELEASE = {"transfers": 2.4, "install": 1.3}
ZH_SHARE = 0.55
REPLY_COUNTS = ((0, 18), (1, 30), (2, 26), (3, 16), (4, 10))
ACCEPT_SHARE = 0.45  # of threads with a community answer
ASK_STAFF_SHARE = 0.08  # of answered, unsolved threads
MODERATOR_SHARE = 0.02
REOPEN_SHARE = 0.1
RATED_SHARE = 0.6
ACCEPT_STAFF_SHARE = 0.4  # of resolved tickets: the asker accepts the team's answer
RATING_WEIGHTS = {1: 5, 2: 6, 3: 12, 4: 30, 5: 47}

# (category, language) -> titles; "{v}" is an app version.
TITLES = {
    ("transfers", "en"): [
        "USDT on TRON pending for hours",
        "Withdrawal from the exchange never arrived",
        "Transfer failed but the fee was taken",
        "Sent ETH on the wrong network",
    ],
    ("transfers", "zh"): [
        "波场USDT转账一直待确认",
        "交易所提币迟迟没到账",
        "转账失败了手续费还被扣",
        "ETH转错网络了怎么办",
    ],
    ("balances", "en"): ["Balance shows 0 after restoring", "Custom token does not show"],
    ("balances", "zh"): ["恢复钱包后余额显示为0", "自定义代币不显示"],
    ("security", "en"): [
        "Someone asked for my recovery phrase",
        "I approved a contract I don't know",
    ],
    ("security", "zh"): ["有人冒充客服要助记词", "授权了不认识的合约"],
    ("install", "en"): [
        "App crashes after updating to {v}",
        "How do I verify the official download?",
    ],
    ("install", "zh"): ["升级到{v}后闪退", "怎么确认是官方安装包？"],
    ("dapps", "en"): ["Bridge transfer not showing on Arbitrum", "Swap stuck in the DApp browser"],
    ("dapps", "zh"): ["跨链桥转账在Arbitrum上不显示", "DApp浏览器里兑换卡住了"],
    ("other", "en"): ["Can I change the display currency?", "Where do I find my wallet address?"],
    ("other", "zh"): ["可以修改显示的货币吗？", "在哪里查看我的钱包地址？"],
}
RELEASE_TITLES = {
    "en": ["After updating to 5.13.0, TRON transfers fail with 'out of energy'"],
    "zh": ["升级到5.13.0后波场转账提示能量不足"],
}
QUESTION = {
    "en": "It started yesterday. The app version is {v}. What should I check first?",
    "zh": "从昨天开始出现的，应用版本是{v}。我应该先检查什么？",
}
REPLIES = {
    "en": [
        "Paste the transaction hash into the explorer first: if it is not there, nothing left your wallet.",
        "Check that you picked the same network as the receiving side.",
        "Pull down to refresh, or switch the node in Settings → Network.",
        "Same here since the update. Keeping 30 TRX in the account fixed it for me.",
    ],
    "zh": [
        "先把交易哈希粘贴到区块浏览器查一下，查不到说明没有发出。",
        "确认一下选的网络和收款方一致。",
        "下拉刷新，或者在 设置 → 网络 里切换节点。",
        "我升级后也遇到了，账户里留30个TRX就好了。",
    ],
}
FOLLOW_UPS = {"en": "Thanks, trying that now.", "zh": "谢谢，我试一下。"}
STAFF_REPLIES = {
    "en": (
        "Thanks for the details. We checked the transaction: it is confirmed on chain and the "
        "funds are safe. Please pull down to refresh; if it still does not show, reply here."
    ),
    "zh": "感谢您提供的信息。我们查询了这笔交易：已在链上确认，资产安全。请下拉刷新；如果仍未显示，请在此回复。",
}
COMMENTS = {
    "en": [
        "Quick and clear, thank you.",
        "It took a day, but it is solved.",
        "Still not sure what went wrong.",
    ],
    "zh": ["回复很快，问题解决了，谢谢！", "等了一天才有人回复。", "讲解很清楚，感谢客服。"],
}
# The secret guard's refusals a day: (kind, where, mean count on a weekday).
REFUSALS = (
    (SecretRefusal.Kind.RECOVERY_PHRASE, SecretRefusal.Where.ASK, 1.2),
    (SecretRefusal.Kind.RECOVERY_PHRASE, SecretRefusal.Where.REPLY, 0.6),
    (SecretRefusal.Kind.WIF, SecretRefusal.Where.ASK_STAFF, 0.2),
)
# (username, display name, language, time zone): members who asked and answered before.
MEMBERS = [
    ("zhang_min", "张敏", "zh-hans", "Asia/Shanghai"),
    ("wang_lei", "王磊", "zh-hans", "Asia/Shanghai"),
    ("liu_yang", "刘洋", "zh-hans", "Asia/Shanghai"),
    ("zhao_jing", "赵静", "zh-hans", "Asia/Shanghai"),
    ("huang_tao", "黄涛", "zh-hans", "Asia/Hong_Kong"),
    ("sun_li", "孙丽", "zh-hans", "Asia/Taipei"),
    ("priya_k", "Priya", "en", "Asia/Singapore"),
    ("lucas_m", "Lucas", "en", "Europe/Berlin"),
    ("emma_w", "Emma", "en", "Europe/London"),
    ("omar_h", "Omar", "en", "Asia/Dubai"),
    ("sofia_r", "Sofia", "en", "America/New_York"),
    ("kenji_t", "Kenji", "en", "Asia/Tokyo"),
]
AGENTS = {"zh": "mei_support", "en": "tom_support"}

_THREADS = BulkInsert(
    Thread,
    (
        "category_id",
        "author_id",
        "title",
        "slug",
        "created_at",
        "last_activity_at",
        "state",
        "solved_at",
        "reply_count",
        "staff_answer_count",
        "post_count",
        "first_reply_at",
        "needs_help_at",
        "escalated_at",
        "support_resolved_at",
        "app_version",
    ),
)
_POSTS = BulkInsert(
    Post, ("thread_id", "number", "author_id", "body", "body_html", "created_at", "posted_as")
)
_FOLLOWS = BulkInsert(Follow, ("user_id", "thread_id", "created_at"))
_TICKETS = BulkInsert(
    Ticket,
    (
        "thread_id",
        "reference",
        "requester_id",
        "reason",
        "status",
        "resolution",
        "priority",
        "queue_id",
        "assignee_id",
        "policy_id",
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
    ),
)
_EVENTS = BulkInsert(
    TicketEvent,
    ("ticket_id", "kind", "actor_id", "from_status", "to_status", "post_id", "created_at"),
)
_RATINGS = BulkInsert(
    SatisfactionRating, ("ticket_id", "cycle", "score", "comment", "created_at", "commented_at")
)
_REFUSALS = BulkInsert(SecretRefusal, ("day", "kind", "where", "count"))


class _Post:
    __slots__ = ("author_id", "body", "created_at", "pk", "posted_as")

    def __init__(self, author_id, body, created_at, posted_as=""):
        self.author_id, self.body, self.created_at = author_id, body, created_at
        self.posted_as, self.pk = posted_as, None


def first_day() -> date | None:
    """The first day the history covers (a day early: the rollups may count days in
    another zone), or None before it is written."""
    guide = Thread.objects.filter(title=FIRST_TITLE).values_list("created_at", flat=True).first()
    return guide.astimezone(ZONE).date() - timedelta(days=1) if guide else None


def seed_history(*, people: dict[str, User], categories: dict[str, Category], now: datetime) -> int:
    """Write the history unless it is there; return how many threads were written."""
    if Thread.objects.filter(title=FIRST_TITLE).exists():
        return 0
    with transaction.atomic():
        members = _members()
        world = _World(random.Random(SEED), now, {**people, **members}, categories)
        plans = world.plan()
        _write(world, plans)
        _write_refusals(world)
    return len(plans)


def _members() -> dict[str, User]:
    found = {}
    for username, display_name, language, tz in MEMBERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@example.com",
                "display_name": display_name,
                "language": language,
                "timezone": tz,
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        found[username] = user
    return found


class _World:
    def __init__(self, rng, now, people, categories):
        self.rng, self.now, self.people, self.categories = rng, now, people, categories
        self.end = now - ENDS_AGO
        self.start = now - timedelta(weeks=WEEKS)
        self.release = now - timedelta(days=RELEASE_DAYS_AGO)
        self.book = PolicyBook.load()
        self.bodies: dict[str, tuple[str, str]] = {}
        by_language = {"en": [], "zh": []}
        for user in people.values():
            if not (user.is_staff or user.username == "wallet_recovery_desk"):
                by_language["zh" if user.language.startswith("zh") else "en"].append(user)
        self.members = by_language

    def body(self, text: str) -> tuple[str, str]:
        if text not in self.bodies:
            self.bodies[text] = (text, render_markdown(text))
        return self.bodies[text]

    def plan(self) -> list[dict]:
        rng = self.rng
        plans = [self._guide()]
        day = self.start.astimezone(ZONE).date()
        last_day = self.end.astimezone(ZONE).date()
        while day <= last_day:
            after = datetime.combine(day, time(), tzinfo=ZONE) >= self.release
            weights = {
                slug: weight * (AFTER_RELEASE.get(slug, 1.0) if after else 1.0)
                for slug, weight in CATEGORY_WEIGHTS.items()
                if slug in self.categories
            }
            expected = PER_DAY * WEEKDAY_FACTOR[day.weekday()] * sum(weights.values()) / 100
            for _ in range(_about(rng, expected)):
                hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
                asked = datetime.combine(day, time(hour, rng.randrange(60)), tzinfo=ZONE)
                if self.start <= asked <= self.end:
                    slug = rng.choices(list(weights), weights=list(weights.values()))[0]
                    plans.append(self._thread(slug, asked, after))
            day += timedelta(days=1)
        return plans

    def _guide(self) -> dict:
        author = self.people["wendy"]
        at = self.start - timedelta(hours=1)
        return {
            "category": self.categories["other"],
            "author": author,
            "title": FIRST_TITLE,
            "asked": at,
            "version": "",
            "posts": [_Post(author.pk, self.body(GUIDE), at)],
            "accepted": None,
            "solved_at": None,
            "needs_help_at": None,
            "ticket": None,
        }

    def _thread(self, slug: str, asked: datetime, after_release: bool) -> dict:
        rng = self.rng
        language = "zh" if rng.random() < ZH_SHARE else "en"
        asker = rng.choice(self.members[language])
        version = RELEASE if after_release else rng.choice(("5.12.3", "5.12.1"))
        release_bug = slug == "transfers" and after_release and rng.random() < 0.5
        title = (
            rng.choice(RELEASE_TITLES[language])
            if release_bug
            else rng.choice(TITLES[slug, language]).format(v=version)
        )
        category = self.categories[slug]
        rules = self.book.for_category(category.pk)
        policy = rules.policy
        posts = [_Post(asker.pk, self.body(QUESTION[language].format(v=version)), asked)]
        replies = rng.choices(*zip(*REPLY_COUNTS, strict=True))[0]
        at = asked
        for _ in range(replies):
            at += timedelta(minutes=rng.lognormvariate(log(50), 1.1))
            if rng.random() < 0.2:
                posts.append(_Post(asker.pk, self.body(FOLLOW_UPS[language]), at))
                continue
            helpers = [m for m in self.members[language] if m.pk != asker.pk]
            if rng.random() < 0.1:
                helpers = list(self.members["en" if language == "zh" else "zh"])
            posts.append(
                _Post(rng.choice(helpers).pk, self.body(rng.choice(REPLIES[language])), at)
            )
        posts = [post for post in posts if post.created_at <= self.end]
        answers = [i for i, post in enumerate(posts) if i and post.author_id != asker.pk]
        plan = {
            "category": category,
            "author": asker,
            "title": title,
            "asked": asked,
            "version": version,
            "posts": posts,
            "accepted": None,
            "solved_at": None,
            "needs_help_at": None,
            "ticket": None,
        }
        first_answer = posts[answers[0]].created_at if answers else None
        needs_help = rules.after(asked, policy.needs_help_after)
        if (first_answer is None or first_answer > needs_help) and needs_help <= self.end:
            plan["needs_help_at"] = needs_help
        if answers and rng.random() < ACCEPT_SHARE and slug != "security":
            plan["accepted"] = posts[rng.choice(answers)]
            solved = plan["accepted"].created_at + timedelta(minutes=rng.uniform(5, 600))
            if solved <= self.end:
                plan["solved_at"] = solved
            else:
                plan["accepted"] = None
        self._escalation(plan, rules, language, answered_by=first_answer)
        return plan

    def _escalation(self, plan, rules, language, *, answered_by) -> None:
        """Whether and when the thread went to the team, and what the team did."""
        rng, policy = self.rng, rules.policy
        asked, solved = plan["asked"], plan["solved_at"]
        staff_only = policy.answered_when == "staff_reply"
        deadline = rules.after(asked, policy.escalate_after)
        unsolved_deadline = (
            rules.after(asked, policy.escalate_unsolved_after)
            if policy.escalate_unsolved_after
            else None
        )
        reason, opened, opener = None, None, None
        if rng.random() < MODERATOR_SHARE:
            reason, opened = Ticket.Reason.MODERATOR, asked + timedelta(hours=rng.uniform(1, 3))
            opener = self.people["wendy"].pk
        elif (answered_by is None or answered_by > deadline or staff_only) and (
            solved is None or solved > deadline
        ):
            reason, opened = Ticket.Reason.UNANSWERED, deadline
        elif unsolved_deadline and (solved is None or solved > unsolved_deadline):
            if rng.random() < 0.5:  # the others were solved in time in the asker's eyes
                reason, opened = Ticket.Reason.UNSOLVED, unsolved_deadline
        elif solved is None and rng.random() < ASK_STAFF_SHARE:
            reason = Ticket.Reason.ASKER
            opened = plan["posts"][-1].created_at + timedelta(hours=rng.uniform(2, 12))
            opener = plan["author"].pk
        if reason is None or opened > self.end:
            return
        if solved and solved > opened:
            plan["accepted"], plan["solved_at"] = None, None  # the team took it on instead
        self._ticket(plan, rules, language, reason=reason, opened=opened, opener=opener)

    def _ticket(self, plan, rules, language, *, reason, opened, opener) -> None:
        rng, policy, end = self.rng, rules.policy, self.end
        after_release = opened >= self.release
        busy = 2.0 if after_release and plan["category"].slug == "transfers" else 1.0
        agent = self.people[AGENTS["zh" if plan["category"].slug == "security" else language]]
        requester = plan["author"].pk
        ticket = {
            "reason": reason,
            "status": Ticket.Status.NEW,
            "resolution": "",
            "priority": policy.ticket_priority,
            "queue_id": policy.ticket_queue_id,
            "assignee_id": None,  # until an agent takes it, to answer
            "policy_id": policy.pk,
            "category_id": plan["category"].pk,
            "created_at": opened,
            "escalation_count": 1,
            "first_response_due_at": rules.after(opened, policy.first_response_target),
            "resolution_due_at": rules.after(opened, policy.resolution_target),
            "first_responded_at": None,
            "resolved_at": None,
            "closed_at": None,
            "first_response_breached_at": None,
            "resolution_breached_at": None,
            "close_at": None,
        }
        events = [(TicketEvent.Kind.CREATED, opener, "", "new", None, opened)]
        ratings = []
        staff_body = self.body(STAFF_REPLIES[language])
        answered = rules.after(opened, timedelta(hours=rng.lognormvariate(log(1.5 * busy), 0.9)))
        due = ticket["first_response_due_at"]
        if min(answered, end) > due:
            ticket["first_response_breached_at"] = due
            events.append((TicketEvent.Kind.FIRST_RESPONSE_BREACHED, None, "", "", None, due))
        last = opened
        cycle, began = 1, opened
        while answered <= end:
            post = _Post(agent.pk, staff_body, answered, posted_as="agent")
            plan["posts"].append(post)
            if ticket["first_responded_at"] is None:
                ticket.update(first_responded_at=answered, assignee_id=agent.pk)
                events.append((TicketEvent.Kind.ASSIGNED, agent.pk, "", "", None, answered))
            events.append(
                (
                    TicketEvent.Kind.STAFF_REPLIED,
                    agent.pk,
                    ticket["status"],
                    "waiting",
                    post,
                    answered,
                )
            )
            ticket["status"], last = Ticket.Status.WAITING, answered
            resolved = rules.after(
                answered, timedelta(hours=rng.lognormvariate(log(5 * busy), 1.0))
            )
            resolution_due = ticket["resolution_due_at"]
            if min(resolved, end) > resolution_due and not ticket["resolution_breached_at"]:
                ticket["resolution_breached_at"] = resolution_due
                events.append(
                    (TicketEvent.Kind.RESOLUTION_BREACHED, None, "", "", None, resolution_due)
                )
            if resolved > end:
                break
            events.append(
                (TicketEvent.Kind.RESOLVED, agent.pk, "waiting", "resolved", None, resolved)
            )
            ticket.update(
                status=Ticket.Status.RESOLVED, resolved_at=resolved, resolution="answered"
            )
            last = resolved
            if cycle == 1 and rng.random() < ACCEPT_STAFF_SHARE and plan["solved_at"] is None:
                plan["accepted"] = post
                plan["solved_at"] = min(end, resolved + timedelta(minutes=rng.uniform(10, 300)))
            rated = resolved + timedelta(hours=rng.lognormvariate(log(3), 1.0))
            if rng.random() < RATED_SHARE and rated <= end:
                score = rng.choices(list(RATING_WEIGHTS), weights=list(RATING_WEIGHTS.values()))[0]
                comment = rng.choice(COMMENTS[language]) if rng.random() < 0.3 else ""
                ratings.append((cycle, score, comment, rated))
                events.append((TicketEvent.Kind.RATED, requester, "", "", None, rated))
            reopened = resolved + timedelta(hours=rng.uniform(1, 30))
            if cycle > 1 or rng.random() >= REOPEN_SHARE or reopened > end:
                break
            events.append(
                (TicketEvent.Kind.REOPENED, requester, "resolved", "open", None, reopened)
            )
            plan["accepted"], plan["solved_at"] = None, None
            cycle, began, last = 2, reopened, reopened
            ticket.update(
                status=Ticket.Status.OPEN,
                escalation_count=2,
                resolved_at=None,
                resolution="",
                resolution_due_at=rules.after(reopened, policy.resolution_target),
            )
            answered = rules.after(reopened, timedelta(hours=rng.lognormvariate(log(2), 0.8)))
        if ticket["status"] == Ticket.Status.RESOLVED:
            close_at = last + policy.close_resolved_after
            if close_at <= end:
                events.append((TicketEvent.Kind.CLOSED, None, "resolved", "closed", None, close_at))
                ticket.update(status=Ticket.Status.CLOSED, closed_at=close_at)
                last = close_at
            else:
                ticket["close_at"] = close_at
        ticket["updated_at"] = last
        ticket["sla_due_at"] = compute_sla_due_at(SimpleNamespace(**ticket))
        plan["ticket"] = (ticket, sorted(events, key=lambda event: event[-1]), ratings, began)


def _about(rng: random.Random, mean: float) -> int:
    """`mean` rounded up or down at random, so that the days add up to their means: a
    Poisson draw's noise (±8 over ten Saturdays) could hide the weekly shape the
    analytics are shown with on some seed dates."""
    whole = int(mean)
    return whole + (rng.random() < mean - whole)


def _poisson(rng: random.Random, mean: float) -> int:
    count, total = 0, rng.expovariate(1)
    while total < mean:
        count += 1
        total += rng.expovariate(1)
    return count


def _write(world: _World, plans: list[dict]) -> None:
    thread_rows = []
    for plan in plans:
        plan["posts"].sort(key=lambda post: post.created_at)
        posts, asker = plan["posts"], plan["author"].pk
        replies = [post for post in posts[1:] if post.author_id != asker]
        ticket = plan["ticket"]
        status = ticket[0]["status"] if ticket else None
        active = status in Ticket.ACTIVE
        thread_rows.append(
            (
                plan["category"].pk,
                asker,
                plan["title"],
                make_slug(plan["title"]),
                plan["asked"],
                posts[-1].created_at,
                Thread.State.SOLVED if plan["solved_at"] else Thread.State.OPEN,
                plan["solved_at"],
                len(posts) - 1,
                sum(1 for post in posts[1:] if post.posted_as == "agent"),
                len(posts),
                replies[0].created_at if replies else None,
                plan["needs_help_at"],
                ticket[3] if active else None,  # when its current cycle began
                ticket[0]["resolved_at"] or ticket[0]["closed_at"]
                if ticket and not active
                else None,
                plan["version"],
            )
        )
    thread_ids = _THREADS.insert(thread_rows, return_ids=True)
    post_rows, search_rows, follow_rows = [], [], []
    for plan, thread_id in zip(plans, thread_ids, strict=True):
        plan["id"] = thread_id
        followers = {}
        for number, post in enumerate(plan["posts"], start=1):
            post_rows.append(
                (thread_id, number, post.author_id, *post.body, post.created_at, post.posted_as)
            )
            search_rows.append([None, thread_id, number, post.body[0], plan["title"], ""])
            followers.setdefault(post.author_id, post.created_at)
        follow_rows.extend((user_id, thread_id, at) for user_id, at in followers.items())
    post_ids = _POSTS.insert(post_rows, return_ids=True)
    ids = iter(post_ids)
    for plan in plans:
        for post in plan["posts"]:
            post.pk = next(ids)
    for row, pk in zip(search_rows, post_ids, strict=True):
        row[0] = pk
    search_index.index_rows(tuple(row) for row in search_rows)
    _FOLLOWS.insert(follow_rows)
    solved = [
        Thread(pk=plan["id"], accepted_post_id=plan["accepted"].pk)
        for plan in plans
        if plan["accepted"] is not None
    ]
    Thread.objects.bulk_update(solved, ["accepted_post"], batch_size=500)
    reputation: dict[int, int] = {}
    for plan in plans:
        if plan["accepted"] is not None:
            author = plan["accepted"].author_id
            reputation[author] = reputation.get(author, 0) + REPUTATION_FOR_ACCEPTED
    for user_id, points in reputation.items():
        User.objects.filter(pk=user_id).update(reputation=F("reputation") + points)
    _write_tickets(plans)
    for category in world.categories.values():
        found = Thread.objects.filter(category=category).aggregate(
            count=Count("pk"), latest=Max("last_activity_at")
        )
        Category.objects.filter(pk=category.pk).update(
            thread_count=found["count"], last_activity_at=found["latest"]
        )


def _write_tickets(plans: list[dict]) -> None:
    with_tickets = [plan for plan in plans if plan["ticket"]]
    # References as the services draw them: random, and unused.
    taken = set(Ticket.objects.values_list("reference", flat=True))
    rows = []
    for plan in with_tickets:
        reference = new_reference()
        while reference in taken:
            reference = new_reference()
        taken.add(reference)
        values = {
            **plan["ticket"][0],
            "thread_id": plan["id"],
            "requester_id": plan["author"].pk,
            "reference": reference,
        }
        rows.append(tuple(values[name] for name in _TICKETS.columns))
    ticket_ids = _TICKETS.insert(rows, return_ids=True)
    event_rows, rating_rows = [], []
    for plan, ticket_id in zip(with_tickets, ticket_ids, strict=True):
        _ticket, events, ratings, _began = plan["ticket"]
        for kind, actor_id, from_status, to_status, post, at in events:
            event_rows.append(
                (ticket_id, kind, actor_id, from_status, to_status, post.pk if post else None, at)
            )
        rating_rows.extend(
            (ticket_id, cycle, score, comment, at, at if comment else None)
            for cycle, score, comment, at in ratings
        )
    _EVENTS.insert(event_rows)
    _RATINGS.insert(rating_rows)


def _write_refusals(world: _World) -> None:
    rows = []
    day = world.start.astimezone(ZONE).date()
    while day <= world.end.astimezone(ZONE).date():
        factor = WEEKDAY_FACTOR[day.weekday()]
        for kind, where, mean in REFUSALS:
            count = _poisson(world.rng, mean * factor)
            if count:
                rows.append((day, kind, where, count))
        day += timedelta(days=1)
    _REFUSALS.insert_new(rows)
