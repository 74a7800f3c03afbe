"""The five one-click rating links of the "request resolved" email, made when it is rendered.

The links carry a signed token that expires (escalation.surveys), so they are made at
delivery, from the ticket and cycle the notification names, rather than stored with it.
"""

from django import template

from escalation import surveys
from escalation.asker import score_label
from notifications.services import absolute_url

register = template.Library()


@register.simple_tag
def survey_links(ticket_id, cycle) -> list[tuple[int, str, str]]:
    """(score, what it means, absolute URL) for scores 1 to 5; none without a ticket and cycle."""
    if not (isinstance(ticket_id, int) and isinstance(cycle, int)):
        return []
    return [
        (
            score,
            score_label(score),
            absolute_url(surveys.survey_path(ticket_id=ticket_id, cycle=cycle, score=score)),
        )
        for score in surveys.SCORES
    ]
