"""Who may open the staff workspace: agents (and admins), checked on every request.

Everyone else gets a 404, visitors included: the workspace does not admit it exists.
Agents without two-factor authentication never get this far (accounts.middleware
sends every staff account without it to set it up first).
"""

from functools import wraps

from django.http import Http404


def agent_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_agent):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def staff_nav_context(user) -> dict:
    """What templates/escalation/staff/_nav.html needs: every staff page passes it."""
    from escalation.models import AgentStatus

    on_duty = AgentStatus.objects.filter(user_id=user.pk, on_duty=True).exists()
    return {"agent_on_duty": on_duty}
