"""The canned replies agents start from: the list, adding, editing and deleting one."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from escalation.forms.canned import CannedReplyForm
from escalation.models import CannedReply
from escalation.permissions import agent_required, staff_nav_context
from escalation.views.ticket import ID_MAX


@agent_required
@require_GET
def canned_list(request):
    replies = list(CannedReply.objects.select_related("created_by").order_by("-is_active", "title"))
    context = {"replies": replies, **staff_nav_context(request.user)}
    return render(request, "escalation/staff/canned_list.html", context)


def _canned_or_404(pk) -> CannedReply:
    reply = CannedReply.objects.filter(pk=pk).first() if pk <= ID_MAX else None
    if reply is None:
        raise Http404
    return reply


@agent_required
@require_http_methods(["GET", "POST"])
def canned_edit(request, pk=None):
    reply = _canned_or_404(pk) if pk is not None else None
    form = CannedReplyForm(request.POST or None, instance=reply)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if reply is None:
            saved.created_by = request.user
        saved.save()
        message = _("Saved “%(title)s”.") if reply else _("Added “%(title)s”.")
        messages.success(request, message % {"title": saved.title})
        return redirect("escalation:staff-canned")
    context = {"form": form, "reply": reply, **staff_nav_context(request.user)}
    return render(request, "escalation/staff/canned_edit.html", context)


@agent_required
@require_http_methods(["GET", "POST"])
def canned_delete(request, pk):
    reply = _canned_or_404(pk)
    if request.method == "POST":
        reply.delete()
        messages.success(request, _("Deleted “%(title)s”.") % {"title": reply.title})
        return redirect("escalation:staff-canned")
    context = {"reply": reply, **staff_nav_context(request.user)}
    return render(request, "escalation/staff/canned_delete.html", context)
