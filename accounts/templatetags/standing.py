"""The banner a silenced member sees on every page: why, and until when (accounts.standing)."""

from django import template

from accounts import standing

register = template.Library()


@register.simple_tag
def standing_notice(user) -> str:
    """The refusal text for a silenced or suspended viewer, or "" (no query in good standing)."""
    return standing.refusal_for(user) or ""
