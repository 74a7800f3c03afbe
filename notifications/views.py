"""The preferences page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from notifications import services
from notifications.forms import PreferencesForm
from notifications.models import NotificationSettings


@login_required
def preferences(request):
    current = NotificationSettings.objects.filter(user=request.user).first()
    form = PreferencesForm(request.POST or None, current=current)
    saved = False
    if request.method == "POST" and form.is_valid():
        services.update_settings(user=request.user, **form.settings_data())
        if not request.htmx:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:preferences")
        saved = True
    template = "notifications/preferences.html"
    if request.htmx:  # a bad form is 200 with errors too: htmx does not swap 4xx responses
        template += "#preferences-form"
    return render(request, template, {"form": form, "saved": saved})
