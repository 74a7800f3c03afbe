from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts.models import User
from demo import content
from forum import services as forum
from forum.models import Category, Chain, Thread


@transaction.atomic
def seed_demo(*, domain: str = "127.0.0.1:8000", now=None) -> dict[str, int]:
    """Create or refresh the demo site. Idempotent: running it twice changes nothing more."""
    Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": settings.SITE_NAME}
    )
    people = _seed_people()
    categories = _seed_categories()
    chains = _seed_chains()
    new_threads = _seed_threads(
        people=people, categories=categories, chains=chains, now=now or timezone.now()
    )
    return {
        "people": len(people),
        "categories": len(categories),
        "chains": len(chains),
        "threads": len(content.THREADS),
        "new_threads": new_threads,
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
    thread = forum.create_thread(
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
        forum.vote(actor=people[voter], post=question)

    last_at = asked_at
    accepted = None
    for reply in spec.replies:
        at = min(now, asked_at + timedelta(minutes=reply.minutes_after_question))
        post = forum.create_post(
            author=people[reply.author], thread=thread, body=reply.body, now=at
        )
        last_at = at
        for voter in reply.votes:
            forum.vote(actor=people[voter], post=post)
        for flag in reply.flags:
            forum.flag_post(
                actor=people[flag.reporter],
                post=post,
                reason=flag.reason,
                note=flag.note,
                now=min(now, at + timedelta(minutes=5)),
            )
        if reply.hidden_by:
            forum.set_post_hidden(
                actor=people[reply.hidden_by],
                post=post,
                is_hidden=True,
                reason=reply.hide_reason,
                now=min(now, at + timedelta(minutes=20)),
            )
        if reply.is_accepted:
            accepted = post
    if accepted is not None:
        forum.accept_answer(
            actor=asker, post=accepted, now=min(now, last_at + timedelta(minutes=10))
        )
    if spec.closed_by:
        forum.set_thread_closed(
            actor=people[spec.closed_by],
            thread=thread,
            is_closed=True,
            reason=spec.close_reason,
            now=min(now, last_at + timedelta(hours=1)),
        )
    return thread
