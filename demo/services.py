from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.db import transaction

from accounts import roles
from accounts.models import User
from demo import content
from forum.models import Category


@transaction.atomic
def seed_demo(*, domain: str = "127.0.0.1:8000") -> dict[str, int]:
    """Create or refresh the demo site. Idempotent: running it twice changes nothing more."""
    Site.objects.update_or_create(pk=1, defaults={"domain": domain, "name": "Handoff"})
    people = _seed_people()
    categories = _seed_categories()
    return {"people": len(people), "categories": len(categories)}


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
    for position, (slug, name, name_zh, description, description_zh, colour) in enumerate(
        content.CATEGORIES
    ):
        category, _created = Category.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_zh_hans": name_zh,
                "description": description,
                "description_zh_hans": description_zh,
                "colour": colour,
                "position": position,
            },
        )
        categories[slug] = category
    return categories
