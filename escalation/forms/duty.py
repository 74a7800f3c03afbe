"""An agent's duty: on or off, and the queues they work."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from escalation.models import Queue


class QueuesField(forms.ModelMultipleChoiceField):
    """Queues by id; what cannot be an id is refused before the database sees it
    (SQLite raises on an integer past 64 bits instead of finding nothing)."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not (text.isascii() and text.isdigit() and int(text) < 2**63):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value"
                )
        return super()._check_values(value)


class DutyForm(forms.Form):
    """On duty or off duty; and, from the duty page, the queues the agent works."""

    on_duty = forms.TypedChoiceField(
        choices=[("1", _("On duty")), ("0", _("Off duty"))],
        coerce=lambda value: value == "1",
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose on duty or off duty.")},
    )
    # The page's queue checkboxes send this too, so that none ticked means "every queue"
    # rather than "leave my queues as they are" (the nav's toggle sends no queues).
    set_queues = forms.BooleanField(required=False, widget=forms.HiddenInput)
    queues = QueuesField(
        label=_("Queues I work"),
        queryset=Queue.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every queue."),
        error_messages={
            "invalid_choice": _("Choose queues from the list."),
            "invalid_pk_value": _("Choose queues from the list."),
        },
    )
    next = forms.CharField(required=False, max_length=2000)
