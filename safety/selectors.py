"""The reads the safety rules need from the database: the admin's blocked and official
domains, kept in the shared cache (config/caching.py) and cleared when a row changes."""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from config import caching
from safety import hosts
from safety.models import BlockedDomain, OfficialDomain


def domain_rules() -> hosts.DomainRules:
    """The blocked and official domains: the settings and the admin's rows, cached."""
    stored = cache.get(caching.DOMAIN_RULES_KEY)
    if stored is None:
        stored = (
            sorted(BlockedDomain.objects.values_list("domain", flat=True)),
            sorted(OfficialDomain.objects.values_list("domain", flat=True)),
        )
        cache.set(caching.DOMAIN_RULES_KEY, stored, caching.DOMAIN_RULES_TTL)
    blocked, official = stored
    return hosts.rules_for(
        hosts.domains_from_settings(tuple(settings.BLOCKED_DOMAINS)).union(blocked),
        hosts.domains_from_settings(tuple(settings.OFFICIAL_DOMAINS)).union(official),
    )


def forget_domain_rules(**kwargs) -> None:
    """Connected to the domain models' post_save and post_delete (apps.py).

    A signal rather than Model.save(): the admin's "delete selected" deletes through the
    queryset, which calls no model method but does send post_delete for each row.
    Cleared at once for this transaction, and again at commit for every process that
    read the old lists in between.
    """
    cache.delete(caching.DOMAIN_RULES_KEY)
    transaction.on_commit(lambda: cache.delete(caching.DOMAIN_RULES_KEY))
