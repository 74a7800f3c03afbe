from datetime import datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.db import transaction
from django.utils import timezone

from accounts import powers, roles
from accounts.models import User
from demo import calendar, content
from demo import history as older
from escalation.models import (
    AgentStatus,
    BusinessCalendar,
    CannedReply,
    EscalationPolicy,
    Holiday,
    OpeningHours,
    Queue,
    ThreadClock,
    Ticket,
)
from escalation.policies import PolicyBook, Rules
from escalation.services import assignment, lifecycle, surveys
from escalation.services import replies as replying
from escalation.services import sweep as sweeping
from escalation.services import tickets as opening
from forum.models import Category, Chain, Thread
from forum.services import answers as forum_answers
from forum.services import following as forum_following
from forum.services import moderation as forum_moderation
from forum.services import posting as forum_posting
from notifications.models import NotificationSettings
from notifications.services.preferences import update_settings
from notifications.services.rendering import absolute_url


def seed_demo(*, domain: str = "127.0.0.1:8000", now=None, history: bool = True) -> dict:
    """Create or refresh the demo site. Idempotent: running it twice changes nothing more.

    Not one transaction: each step commits, as it would on the live site, so the forum's
    after-commit events (the escalation clocks, an agent's first response) run between
    steps exactly as in production, and the sweeps the demo plays see them. A run that
    fails halfway leaves a partial demo that the next run completes: everything is found
    again by a natural key (username, slug, name, title).
    """
    if transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            "seed_demo commits step by step so the forum's after-commit events run as in "
            "production; call it outside a transaction (in tests: transactional_db)."
        )
    now = now or timezone.now()
    with transaction.atomic():
        Site.objects.update_or_create(
            pk=settings.SITE_ID, defaults={"domain": domain, "name": settings.SITE_NAME}
        )
        people = _seed_people()
        categories = _seed_categories()
        chains = _seed_chains()
        queues = _seed_queues()
        support_calendar = _seed_calendar()
        policies = _seed_policies(
            categories=categories, queues=queues, support_calendar=support_calendar
        )
        _seed_helpers(people=people, categories=categories)
        canned_replies = _seed_canned_replies(people=people)
    new_threads = _seed_threads(people=people, categories=categories, chains=chains, now=now)
    new_escalations = _seed_escalations(
        people=people, categories=categories, chains=chains, now=now
    )
    _seed_duty(people=people, queues=queues, now=now)
    history_threads = (
        older.seed_history(people=people, categories=categories, now=now) if history else 0
    )
    return {
        "people": len(people),
        "categories": len(categories),
        "chains": len(chains),
        "queues": len(queues),
        "holidays": support_calendar.holidays.count(),
        "policies": len(policies),
        "threads": len(content.THREADS) + len(content.ESCALATIONS),
        "new_threads": new_threads + new_escalations,
        "tickets": Ticket.objects.filter(
            thread__title__in=[spec.title for spec in content.ESCALATIONS]
        ).count(),
        "canned_replies": len(canned_replies),
        "history_threads": history_threads,
        "history_first_day": older.first_day(),
    }


def _seed_people() -> dict[str, User]:
    moderators = Group.objects.get(name=roles.MODERATORS)
    agents = Group.objects.get(name=roles.AGENTS)
    people = {}
    for username, email, display_name, role, language, tz in content.PEOPLE:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "email": email,
                "display_name": display_name,
                "language": language,
                "timezone": tz,
                "is_staff": role in ("admin", "agent"),
                "is_superuser": role == "admin",
            },
        )
        if created:
            user.set_password(content.DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if role == "agent":
            user.groups.add(agents)
        if role == "moderator":
            user.groups.add(moderators)
        if role in ("admin", "agent", "moderator"):
            # The demo plays the staff's part as if each had signed in with two-factor, so
            # their answers wear the badge; the real accounts must still set it up.
            powers.mark_verified(user)
        people[username] = user
    return people


def _seed_categories() -> dict[str, Category]:
    categories = {}
    for position, (
        slug,
        name,
        name_zh,
        description,
        description_zh,
        colour,
        asks_wallet_details,
    ) in enumerate(content.CATEGORIES):
        category, _created = Category.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_zh_hans": name_zh,
                "description": description,
                "description_zh_hans": description_zh,
                "colour": colour,
                "position": position,
                "asks_wallet_details": asks_wallet_details,
            },
        )
        categories[slug] = category
    return categories


def _seed_chains() -> dict[str, Chain]:
    chains = {}
    for position, (name, tx_format) in enumerate(content.CHAINS):
        chain, _created = Chain.objects.update_or_create(
            name=name, defaults={"tx_format": tx_format, "position": position}
        )
        chains[name] = chain
    return chains


def _seed_queues() -> dict[str, Queue]:
    queues = {}
    for slug, name in content.QUEUES:
        queues[slug], _created = Queue.objects.get_or_create(slug=slug, defaults={"name": name})
    return queues


def _seed_calendar() -> BusinessCalendar:
    """The support team's week in Shanghai, with China's public holidays and 调休.

    Hours are set when the calendar is made, so an admin's changes stay; holidays are
    added by date, so a newer python-holidays that knows another year's notice fills it in.
    """
    support_calendar, created = BusinessCalendar.objects.get_or_create(
        name=content.CALENDAR_NAME, defaults={"time_zone": content.CALENDAR_TIME_ZONE}
    )
    if created:
        opens_at, closes_at = (time.fromisoformat(at) for at in content.CALENDAR_HOURS)
        OpeningHours.objects.bulk_create(
            OpeningHours(
                calendar=support_calendar, weekday=weekday, opens_at=opens_at, closes_at=closes_at
            )
            for weekday in range(5)
        )
    for day in calendar.china_days(content.CALENDAR_YEARS):
        holiday, created = Holiday.objects.get_or_create(
            calendar=support_calendar,
            date=day.date,
            defaults={
                "name": day.name[:80],
                "name_zh_hans": day.name_zh[:80],
                "is_working_day": day.is_working_day,
            },
        )
        if not created and holiday.name == calendar.both(day) and not holiday.name_zh_hans:
            # Seeded before holidays had a name per language: split it, once.
            holiday.name, holiday.name_zh_hans = day.name[:80], day.name_zh[:80]
            holiday.save(update_fields=["name", "name_zh_hans"])
    return support_calendar


def _seed_policies(*, categories, queues, support_calendar) -> list[EscalationPolicy]:
    """One policy per demo category and a site default; an existing one is left as it is."""
    policies = []
    for spec in content.POLICIES:
        policy, _created = EscalationPolicy.objects.get_or_create(
            category=categories[spec.category] if spec.category else None,
            defaults={
                "answered_when": spec.answered_when,
                "needs_help_after": timedelta(hours=spec.needs_help_hours),
                "escalate_after": timedelta(hours=spec.escalate_hours),
                "escalate_unsolved_after": (
                    timedelta(hours=spec.escalate_unsolved_hours)
                    if spec.escalate_unsolved_hours
                    else None
                ),
                "calendar": support_calendar,
                "ticket_priority": spec.priority,
                "ticket_queue": queues[spec.queue],
                "first_response_target": timedelta(hours=spec.first_response_hours),
                "resolution_target": timedelta(hours=spec.resolution_hours),
            },
        )
        policies.append(policy)
    return policies


def _seed_helpers(*, people, categories) -> None:
    """Helpers opt in and follow their categories, once: later choices of theirs stay."""
    for username, slugs in content.HELPERS:
        helper = people[username]
        if NotificationSettings.objects.filter(user=helper).exists():
            continue
        update_settings(
            user=helper, channels={}, is_helper=True, quiet_hours_start=None, quiet_hours_end=None
        )
        for slug in slugs:
            forum_following.follow_category(actor=helper, category=categories[slug])


def _seed_threads(*, people, categories, chains, now) -> int:
    """Ask the demo questions through the forum's services, as people would have.

    A thread whose title already exists is left alone, so a second run adds nothing and
    never undoes what someone did to a demo thread since. Returns how many were created.
    """
    created = 0
    for spec in content.THREADS:
        if Thread.objects.filter(title=spec.title).exists():
            continue
        _play_thread(spec, people=people, categories=categories, chains=chains, now=now)
        created += 1
    return created


def _play_thread(spec: content.DemoThread, *, people, categories, chains, now) -> Thread:
    """The question, its replies, votes, flags, moderation and acceptance, in time order."""
    asked_at = now - timedelta(hours=spec.hours_ago)
    asker = people[spec.author]
    thread = forum_posting.create_thread(
        author=asker,
        category=categories[spec.category],
        title=spec.title,
        body=spec.body,
        chain=chains[spec.chain] if spec.chain else None,
        app_version=spec.app_version,
        device=spec.device,
        tx_hash=spec.tx_hash,
        now=asked_at,
    )
    question = thread.posts.get(number=1)
    for voter in spec.votes:
        forum_answers.vote(actor=people[voter], post=question)

    last_at = asked_at
    accepted = None
    for reply in spec.replies:
        at = min(now, asked_at + timedelta(minutes=reply.minutes_after_question))
        post = forum_posting.create_post(
            author=people[reply.author], thread=thread, body=reply.body, now=at
        )
        last_at = at
        for voter in reply.votes:
            forum_answers.vote(actor=people[voter], post=post)
        for flag in reply.flags:
            forum_moderation.flag_post(
                actor=people[flag.reporter],
                post=post,
                reason=flag.reason,
                note=flag.note,
                now=min(now, at + timedelta(minutes=5)),
            )
        if reply.hidden_by:
            forum_moderation.set_post_hidden(
                actor=people[reply.hidden_by],
                post=post,
                is_hidden=True,
                reason=reply.hide_reason,
                now=min(now, at + timedelta(minutes=20)),
            )
        if reply.is_accepted:
            accepted = post
    if accepted is not None:
        forum_answers.accept_answer(
            actor=asker, post=accepted, now=min(now, last_at + timedelta(minutes=10))
        )
    if spec.closed_by:
        forum_moderation.set_thread_closed(
            actor=people[spec.closed_by],
            thread=thread,
            is_closed=True,
            reason=spec.close_reason,
            now=min(now, last_at + timedelta(hours=1)),
        )
    return thread


# --- Escalations -------------------------------------------------------------------


def _seed_escalations(*, people, categories, chains, now) -> int:
    """Play the escalation demos: questions asked in the past, the sweeps that ran at
    their deadlines, and what the asker, a moderator and agents did, through the
    services. Returns how many were created; a thread found by its title is left alone."""
    book = PolicyBook.load()
    created = 0
    for spec in content.ESCALATIONS:
        if Thread.objects.filter(title=spec.title).exists():
            continue
        _play_escalation(
            spec, people=people, categories=categories, chains=chains, book=book, now=now
        )
        created += 1
    return created


def _play_escalation(spec: content.EscalationDemo, *, people, categories, chains, book, now):
    category = categories[spec.category]
    asked_at = _counted_back(book.for_category(category.pk), end=now, hours=spec.open_hours_ago)
    thread = forum_posting.create_thread(
        author=people[spec.author],
        category=category,
        title=spec.title,
        body=spec.body,
        chain=chains[spec.chain] if spec.chain else None,
        app_version=spec.app_version,
        now=asked_at,
    )
    at = asked_at
    for step in spec.steps:
        at = min(now, at + timedelta(minutes=step.minutes))
        _sweep_until(thread, at)
        _play_step(step, thread=thread, people=people, at=at)
    _sweep_until(thread, now)
    if spec.after_sweep:
        at = Ticket.objects.get(thread=thread).created_at
        for step in spec.after_sweep:
            at = min(now, at + timedelta(minutes=step.minutes))
            _play_step(step, thread=thread, people=people, at=at)
    return thread


def _sweep_until(thread: Thread, until: datetime) -> None:
    """Run the sweep at each of the thread's deadlines that falls by `until`, as beat would.

    The deadlines are the thread's clock (needs help, escalate) and its ticket's (first
    response and resolution targets, closing by itself). The clock is the one the forum's
    after-commit event computed; each sweep spends the deadline it acts on, so this ends.
    """
    while True:
        due = [deadline for deadline in _deadlines(thread) if deadline <= until]
        if not due:
            return
        sweeping.sweep(now=min(due))


def _deadlines(thread: Thread) -> list[datetime]:
    clock = ThreadClock.objects.filter(thread=thread).first()
    deadlines = [clock.needs_help_at, clock.escalate_at] if clock else []
    ticket = Ticket.objects.filter(thread=thread).first()
    if ticket is not None:
        deadlines.append(ticket.close_at)
        if ticket.is_active:
            # A missed target is marked once; a met one has no deadline left.
            if not (ticket.first_responded_at or ticket.first_response_breached_at):
                deadlines.append(ticket.first_response_due_at)
            if not ticket.resolution_breached_at:
                deadlines.append(ticket.resolution_due_at)
    return [deadline for deadline in deadlines if deadline is not None]


def _play_step(step: content.DemoStep, *, thread: Thread, people, at: datetime) -> None:
    """One step of a story, through the service the page would call."""
    actor = people[step.actor]
    ticket = Ticket.objects.filter(thread=thread).first()
    match step.action:
        case "reply":
            forum_posting.create_post(author=actor, thread=thread, body=step.body, now=at)
        case "ask_staff":
            opening.ask_for_staff(actor=actor, thread=thread, note=step.body, now=at)
        case "escalate":
            opening.escalate_thread(actor=actor, thread=thread, note=step.body, now=at)
        case "claim":
            assignment.claim(actor=actor, ticket=ticket, now=at)
        case "staff_reply":
            replying.staff_reply(actor=actor, ticket=ticket, body=step.body, now=at)
        case "canned_reply":
            reply = CannedReply.objects.get(title=step.body)
            body = replying.fill_canned_reply(
                reply, ticket, thread_url=absolute_url(thread.get_absolute_url())
            )
            replying.staff_reply(actor=actor, ticket=ticket, body=body, now=at)
        case "note":
            replying.add_note(actor=actor, ticket=ticket, body=step.body, now=at)
        case "resolve":
            lifecycle.resolve(actor=actor, ticket=ticket, note=step.body, now=at)
        case "accept":
            answer = (
                thread.posts.filter(author__groups__name=roles.AGENTS).order_by("-number").first()
            )
            forum_answers.accept_answer(actor=actor, post=answer, now=at)
        case "rate":
            rating = surveys.rate(
                ticket=ticket, cycle=ticket.escalation_count, score=step.score, now=at
            )
            if step.body:
                surveys.add_comment(rating=rating, comment=step.body, now=at)
        case _:
            raise ValueError(f"unknown demo step {step.action!r}")


# --- The staff workspace -------------------------------------------------------------


def _seed_canned_replies(*, people) -> list[CannedReply]:
    """The canned replies, by title: an agent's later edits to one stay."""
    author = people["admin"]
    return [
        CannedReply.objects.get_or_create(
            title=title, defaults={"language": language, "body": body, "created_by": author}
        )[0]
        for title, language, body in content.CANNED_REPLIES
    ]


def _seed_duty(*, people, queues, now) -> None:
    """The demo agents go on duty, each for their queues (none: every queue)."""
    for username, slugs in content.AGENTS_ON_DUTY:
        agent = people[username]
        wanted = {queues[slug].pk for slug in slugs}
        current = AgentStatus.objects.filter(user=agent, on_duty=True).first()
        if current is not None and set(current.queues.values_list("pk", flat=True)) == wanted:
            continue
        assignment.set_on_duty(
            actor=agent, on_duty=True, queues=[queues[slug] for slug in slugs], now=now
        )


def _counted_back(rules: Rules, *, end: datetime, hours: int) -> datetime:
    """The latest whole minute from which `hours` of the policy's counted time end by `end`.

    So a demo question is as far along its clocks whenever the seed runs: on a Sunday,
    six open hours ago is Friday afternoon.
    """
    duration = timedelta(hours=hours)
    # Counted time never runs faster than the wall clock, and no closure lasts 60 days.
    early, late = end - duration - timedelta(days=60), end - duration
    while late - early > timedelta(minutes=1):
        middle = early + (late - early) / 2
        if rules.after(middle, duration) <= end:
            early = middle
        else:
            late = middle
    return early.replace(second=0, microsecond=0)
