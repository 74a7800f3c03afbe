from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from notifications.models import Channels, Notification, NotificationSettings, channels_for

_TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class PreferencesForm(forms.Form):
    """Channels for every kind, the helper opt-in and quiet hours.

    The kind × channel checkboxes are named `<kind>-in_app` and `<kind>-email`. Kinds only
    the support team gets (Notification.STAFF_KINDS) are offered to agents only; for
    everyone else they keep whatever they were, whatever the request sends.
    """

    is_helper = forms.BooleanField(
        label=_("I want to help: tell me about questions that need help in categories I follow"),
        required=False,
    )
    quiet_hours_start = forms.TimeField(
        label=_("Quiet hours start"), required=False, widget=_TIME_WIDGET
    )
    quiet_hours_end = forms.TimeField(
        label=_("Quiet hours end"),
        required=False,
        widget=_TIME_WIDGET,
        help_text=_(
            "During quiet hours, emails about questions that need help wait until the quiet "
            "hours end; they still appear on the site at once."
        ),
    )

    def __init__(
        self, *args, current: NotificationSettings | None, is_agent: bool = False, **kwargs
    ):
        self.current = current
        self.kinds = [
            kind for kind in Notification.Kind if is_agent or kind not in Notification.STAFF_KINDS
        ]
        initial = {
            "is_helper": bool(current and current.is_helper),
            "quiet_hours_start": current.quiet_hours_start if current else None,
            "quiet_hours_end": current.quiet_hours_end if current else None,
        }
        for kind in self.kinds:
            chosen = channels_for(current, kind)
            initial[f"{kind}-in_app"] = chosen.in_app
            initial[f"{kind}-email"] = chosen.email
        super().__init__(*args, initial=initial, **kwargs)
        for kind in self.kinds:
            label = kind.label
            self.fields[f"{kind}-in_app"] = forms.BooleanField(
                label=label,
                required=False,
                widget=forms.CheckboxInput(
                    attrs={"aria-label": gettext("%(kind)s: on the site") % {"kind": label}}
                ),
            )
            self.fields[f"{kind}-email"] = forms.BooleanField(
                label=label,
                required=False,
                widget=forms.CheckboxInput(
                    attrs={"aria-label": gettext("%(kind)s: by email") % {"kind": label}}
                ),
            )

    def kind_rows(self):
        """(label, on-the-site checkbox, email checkbox) for each kind, for the table."""
        return [(kind.label, self[f"{kind}-in_app"], self[f"{kind}-email"]) for kind in self.kinds]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("quiet_hours_start"), cleaned.get("quiet_hours_end")
        if "quiet_hours_start" in self.errors or "quiet_hours_end" in self.errors:
            return cleaned
        if start is not None and end is None:
            self.add_error("quiet_hours_end", _("Say when your quiet hours end."))
        elif end is not None and start is None:
            self.add_error("quiet_hours_start", _("Say when your quiet hours start."))
        elif start is not None and start == end:
            self.add_error(
                "quiet_hours_end", _("Quiet hours cannot start and end at the same time.")
            )
        return cleaned

    def settings_data(self) -> dict:
        """What services.update_settings takes, from valid data."""
        data = self.cleaned_data
        channels = {kind: channels_for(self.current, kind) for kind in Notification.Kind}
        for kind in self.kinds:
            channels[kind] = Channels(in_app=data[f"{kind}-in_app"], email=data[f"{kind}-email"])
        return {
            "channels": channels,
            "is_helper": data["is_helper"],
            "quiet_hours_start": data["quiet_hours_start"],
            "quiet_hours_end": data["quiet_hours_end"],
        }
