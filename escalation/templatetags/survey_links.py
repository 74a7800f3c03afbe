"""The five rating links of the "request resolved" email, made when it is rendered.

Each opens the survey page with its score chosen; the page's button records it. The
links carry a signed token that expires (escalation.services.surveys), so they are made at
delivery, from the ticket and cycle the notification names, rather than stored with it.
"""

from django import template
from django.urls import reverse

from escalation.models import Ticket
from escalation.selectors.asker import score_label
from escalation.services import surveys
from notifications.services.rendering import absolute_url

register = template.Library()


@register.simple_tag
def survey_links(ticket_id, cycle) -> list[tuple[int, str, str]]:
    """(score, what it means, absolute URL) for scores 1 to 5; none without a ticket and cycle."""
    if not (isinstance(ticket_id, int) and isinstance(cycle, int)):
        return []
    try:
        token = surveys.make_token(ticket_id=ticket_id, cycle=cycle)
    except Ticket.DoesNotExist:  # deleted before the email went out: nothing to rate
        return []
    return [
        (
            score,
            score_label(score),
            absolute_url(reverse("escalation:survey-rate", args=[token, score])),
        )
        for score in surveys.SCORES
    ]
