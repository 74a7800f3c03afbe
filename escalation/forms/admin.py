"""The escalation policy's form in the admin: durations as hours and minutes.

Django's admin shows a DurationField as one text box that takes "1 00:00:00" (a day)
and says nothing of whether the time counts every hour or only the support team's
opening hours, which for a policy with a business calendar is the difference between
a day and most of a week.
"""

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

# Longer than any policy needs (over a year), short enough that counting it through a
# business calendar stays quick.
MAX_HOURS = 10_000

# Counted in the policy's business calendar when it has one (escalation.policies.Rules.after);
# the policy's other durations always count every hour (the asker's patience, the
# days before a ticket closes).
BUSINESS_TIME_FIELDS = (
    "needs_help_after",
    "escalate_after",
    "escalate_unsolved_after",
    "first_response_target",
    "resolution_target",
)
CALENDAR_TIME_FIELDS = (
    "member_can_request_after",
    "solve_nudge_after",
    "close_resolved_after",
    "close_waiting_after",
    "reopen_within",
)
DURATION_FIELDS = BUSINESS_TIME_FIELDS + CALENDAR_TIME_FIELDS


class HoursMinutesWidget(forms.MultiWidget):
    template_name = "escalation/admin/hours_minutes_widget.html"

    def __init__(self, attrs=None):
        number = {"min": 0, "step": 1, "class": "vIntegerField hours-minutes"}
        super().__init__(
            [
                forms.NumberInput(attrs={**number, "max": MAX_HOURS, "aria-label": _("hours")}),
                forms.NumberInput(attrs={**number, "max": 59, "aria-label": _("minutes")}),
            ],
            attrs,
        )

    def decompress(self, value):
        if value is None:
            return [None, None]
        minutes = round(value.total_seconds() / 60)
        return [minutes // 60, minutes % 60]


class HoursMinutesField(forms.MultiValueField):
    """A duration typed as hours and minutes; both empty is no duration (None)."""

    widget = HoursMinutesWidget
    default_error_messages = {"required": _("Give a number of hours, minutes or both.")}

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)  # what a model field may pass that this has no use for
        fields = (
            forms.IntegerField(
                min_value=0,
                max_value=MAX_HOURS,
                required=False,
                error_messages={
                    "min_value": _("Hours cannot be negative."),
                    "max_value": _("At most %(limit_value)s hours."),
                    "invalid": _("Hours are a whole number."),
                },
            ),
            forms.IntegerField(
                min_value=0,
                max_value=59,
                required=False,
                error_messages={
                    "min_value": _("Minutes cannot be negative."),
                    "max_value": _("Minutes go from 0 to 59; write 90 minutes as 1 hour 30."),
                    "invalid": _("Minutes are a whole number."),
                },
            ),
        )
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or all(value in (None, "") for value in data_list):
            return None
        hours, minutes = (value or 0 for value in data_list)
        return timedelta(hours=hours, minutes=minutes)


class EscalationPolicyAdminForm(forms.ModelForm):
    """Says of each duration whether it counts business or calendar hours.

    The admin builds it for EscalationPolicy, with HoursMinutesField for the durations
    (EscalationPolicyAdmin.formfield_for_dbfield).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        calendar = self.instance.calendar if self.instance.calendar_id else None
        if calendar is not None:
            business = _("Counted in business hours: the opening hours of “%(calendar)s”.") % {
                "calendar": calendar
            }
        elif self.instance.pk:
            business = _(
                "Counted in calendar hours (every hour of every day): this policy has no "
                "business calendar. Choose one below to count only opening hours."
            )
        else:
            business = _(
                "Counted in business hours if you choose a business calendar below, "
                "else in calendar hours (every hour of every day)."
            )
        calendar_hours = _("Always counted in calendar hours (every hour of every day).")
        for names, counted in (
            (BUSINESS_TIME_FIELDS, business),
            (CALENDAR_TIME_FIELDS, calendar_hours),
        ):
            for name in names:
                field = self.fields.get(name)
                if field is not None:
                    field.help_text = " ".join(
                        str(text) for text in (field.help_text, counted) if text
                    )
