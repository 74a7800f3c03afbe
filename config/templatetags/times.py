"""`{% load times %}`: the template side of config/times.py, for times inside sentences.

{% moment ticket.expected_answer_at as by %}{% until ticket.expected_answer_at as within %}
{% blocktranslate %}Expect a first answer within {{ within }} (by {{ by }}).{% endblocktranslate %}
"""

from django import template

from config import times

register = template.Library()


@register.simple_tag
def moment(at):
    """`at` in full, in the viewer's zone, with the zone: for "by …", "from …", "until …"."""
    return times.moment(at) if at else ""


@register.simple_tag
def until(at, now=None):
    """How long until `at`, in words ("14 hours"), for a sentence written around a length."""
    return times.until(at, now=now) if at else ""


@register.simple_tag
def since(at, now=None):
    """How long since `at`, in words ("3 days"), for a sentence written around a length."""
    return times.since(at, now=now) if at else ""


@register.filter
def with_zone(at):
    """`at` in full with its zone, as plain text: for a title="" attribute."""
    return times.absolute_text(at) if at else ""
