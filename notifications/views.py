"""The notification list, reading notifications, and the preferences page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.redirects import safe_next_url
from notifications import selectors, visibility
from notifications.forms import PreferencesForm
from notifications.models import Notification, NotificationSettings
from notifications.services.preferences import update_settings
from notifications.services.unread import mark_all_read, mark_read


@login_required
def notification_list(request):
    page = selectors.notification_page(
        user=request.user,
        before=request.GET.get("before", ""),
        include_staff=request.user.acts_as_agent,
    )
    template = "notifications/list.html#notification-list" if request.htmx else None
    context = {
        "page": page,
        "staff_hidden": request.user.is_agent and not request.user.acts_as_agent,
    }
    return render(request, template or "notifications/list.html", context)


@require_POST
@login_required
def read(request, notification_id):
    """Mark one notification read and follow its link: what clicking a notification does."""
    notification = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    mark_read(user=request.user, notification_ids=[notification.pk])
    if not visibility.is_visible(notification, viewer=request.user):
        return redirect("notifications:list")
    back = reverse("notifications:list")
    return redirect(safe_next_url(request, notification.url, default=back))


@require_POST
@login_required
def read_all(request):
    mark_all_read(user=request.user)
    if request.htmx:
        page = selectors.notification_page(
            user=request.user, include_staff=request.user.acts_as_agent
        )
        context = {"page": page, "refresh_bell": True}
        return render(request, "notifications/list.html#notification-list", context)
    messages.success(request, _("All notifications are marked read."))
    return redirect("notifications:list")


@login_required
def preferences(request):
    current = NotificationSettings.objects.filter(user=request.user).first()
    form = PreferencesForm(
        request.POST or None, current=current, is_agent=request.user.acts_as_agent
    )
    saved = False
    if request.method == "POST" and form.is_valid():
        update_settings(user=request.user, **form.settings_data())
        if not request.htmx:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:preferences")
        saved = True
    template = "notifications/preferences.html"
    if request.htmx:  # a bad form is 200 with errors too: htmx does not swap 4xx responses
        template += "#preferences-form"
    return render(request, template, {"form": form, "saved": saved})
