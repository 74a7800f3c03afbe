"""Who may open the staff workspace: agents (and admins) acting with a verified second factor.

Everyone else gets a 404, visitors included: the workspace does not admit it exists. An
agent whose session has not verified a second factor is sent to set it up or confirm it
(accounts.powers), and gets nothing of the workspace until then.
"""

from django.http import Http404
from django.utils.translation import gettext as _

from accounts import powers
from forum.errors import NotAllowed

agent_required = powers.power_required(powers.acts_as_agent, otherwise=Http404)


def staff_nav_context(user) -> dict:
    """What templates/escalation/staff/_nav.html needs: every staff page passes it."""
    from escalation.models import AgentStatus

    on_duty = AgentStatus.objects.filter(user_id=user.pk, on_duty=True).exists()
    return {"agent_on_duty": on_duty}


def require_agent(actor) -> None:
    """The services' own check, after the view's: only the support team works tickets."""
    if not powers.acts_as_agent(actor):
        raise NotAllowed(_("Only the support team can work on tickets."))
