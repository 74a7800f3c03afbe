from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts import powers, profiles, services, timezones
from accounts.forms import SettingsForm
from accounts.models import User
from config.errors import HandoffError
from config.redirects import safe_next_url


def profile(request, username):
    person = get_object_or_404(User, username=username, is_active=True)
    context = {"person": person, **profiles.context_for(viewer=request.user, person=person)}
    return render(request, "accounts/profile.html", context)


@login_required
def settings_view(request):
    # A fresh copy: a ModelForm writes valid fields onto its instance even when another
    # field is refused, and request.user must keep showing what is actually saved.
    form = SettingsForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(actor=request.user, **form.cleaned_data)
        except HandoffError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your settings are saved."))
            return redirect("accounts:settings")
    return render(request, "accounts/settings.html", {"form": form})


@login_required
def second_factor(request):
    """Where staff go for their powers: set up two-factor, or confirm it, then back to `next`."""
    next_url = safe_next_url(request, request.GET.get("next", ""), default="")
    return redirect(powers.second_factor_url(request.user, next_url))


@require_POST
@login_required
def time_zone_offer(request):
    """The answer to the offer to show times in the browser's zone (base.html): switch to
    it, or keep the saved zone and stop offering this one for the session."""
    zone = request.POST.get("timezone", "")
    if request.POST.get("answer") == "switch":
        if services.set_timezone(actor=request.user, timezone=zone):
            messages.success(
                request,
                _("Times are now shown in %(zone)s.") % {"zone": timezones.label(zone)},
            )
        else:
            messages.error(request, _("That is not a time zone we know. Nothing was changed."))
    elif timezones.is_known(zone):
        request.session[timezones.DECLINED_SESSION_KEY] = zone
    return redirect(safe_next_url(request, request.POST.get("next", ""), default="/"))


@require_POST
def set_language(request):
    """Django's language switch, remembered on the account for signed-in users.

    CSRF-checked like every other POST: pages from the visitor page cache carry the
    token of the visitor they are served to (forum/pagecache.py).
    """
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and response.status_code in (204, 302):
        services.set_language(actor=request.user, language=language)
    return response
