import zoneinfo

from allauth.account import forms as allauth_forms
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts import timezones
from accounts.models import User
from safety import names
from safety.forms import RefusesSecrets
from safety.models import SecretRefusal

_TIMEZONE_CHOICES = sorted((tz, tz.replace("_", " ")) for tz in zoneinfo.available_timezones())


class SettingsForm(RefusesSecrets, forms.ModelForm):
    secret_fields = ("display_name", "bio")
    secret_where = SecretRefusal.Where.PROFILE

    timezone = forms.ChoiceField(label=_("Time zone"), choices=_TIMEZONE_CHOICES)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Same as my browser")), *settings.LANGUAGES],
        required=False,
    )

    class Meta:
        model = User
        fields = ["display_name", "bio", "timezone", "language"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "display_name": _("Shown beside your posts instead of your username."),
            "bio": _("A few words about you. Never share recovery phrases or private keys."),
        }

    def clean_display_name(self):
        display_name = " ".join(self.cleaned_data["display_name"].split())
        names.validate_name(display_name, user=self.instance)
        return display_name


class SignupForm(allauth_forms.SignupForm):
    """allauth's sign-up, with the browser's time zone in a hidden field (static/js/site.js
    fills it), so a new member's times are theirs from the first page."""

    timezone = forms.CharField(
        required=False, widget=forms.HiddenInput(attrs={"data-browser-timezone": ""})
    )

    def clean_timezone(self) -> str:
        """A zone we know, or "": the account then keeps UTC. Never an error, since the
        person signing up can neither see nor fix this field."""
        value = self.cleaned_data.get("timezone", "")
        return value if timezones.is_known(value) else ""


# The longest sign-in that can name an account: an email address (RFC 5321, and Django's
# EmailField) is at most 254 characters, a username 150.
MAX_LOGIN_LENGTH = 254


class LoginForm(allauth_forms.LoginForm):
    """allauth's sign-in, refusing a login no account can have before it reaches a query.

    A longer one would only cost a case-insensitive lookup, and SQLite refuses a LIKE
    pattern over 50,000 bytes outright.
    """

    def clean_login(self) -> str:
        login = self.cleaned_data["login"]
        if len(login) > MAX_LOGIN_LENGTH:
            raise forms.ValidationError(
                _("No username or email address is longer than %(limit)d characters.")
                % {"limit": MAX_LOGIN_LENGTH},
                code="max_length",
            )
        return super().clean_login()
