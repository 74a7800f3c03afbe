"""The queue's URL and its bulk-action form: what agents may ask for, and what they are
told when a value is wrong.

A filter with a wrong value (a typo in a shared link, a queue deleted since) is dropped
and the page says so; the rest of the view still applies. A queue page never fails on
its URL.
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from escalation.models import Priority, Ticket
from escalation.selectors import queue as queue_selectors
from escalation.selectors.queue import QueueView

Status = Ticket.Status


def _filter(invalid_choice: str) -> forms.ChoiceField:
    """An optional filter whose unknown value is dropped with `invalid_choice` said why."""
    return forms.ChoiceField(required=False, error_messages={"invalid_choice": invalid_choice})


class QueueFilterForm(forms.Form):
    status = _filter(_("There is no status “%(value)s”: showing the active tickets."))
    queue = _filter(_("That queue does not exist (any more): showing every queue."))
    priority = _filter(_("There is no priority “%(value)s”: showing every priority."))
    category = _filter(_("That category does not exist (any more): showing every category."))
    assignee = _filter(
        _("That person is not on the support team (any more): showing everyone's tickets.")
    )
    sla = _filter(_("There is no SLA state “%(value)s”: showing every ticket."))
    reason = _filter(_("There is no reason “%(value)s”: showing every reason."))
    sort = _filter(_("The queue cannot be sorted by “%(value)s”: sorted by SLA due."))
    q = forms.CharField(
        required=False,
        max_length=queue_selectors.SEARCH_MAX_CHARS,
        error_messages={
            "max_length": _(
                "Search for at most %(limit_value)d characters: the search was ignored."
            ),
            "null_characters_not_allowed": _(
                "The search contained characters that cannot be searched: it was ignored."
            ),
        },
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={
            "invalid": _("The page must be a number: showing the first page."),
            "min_value": _("Pages start at 1: showing the first page."),
        },
    )

    def __init__(self, data, *, choices: queue_selectors.Choices, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["status"].choices = list(queue_selectors.STATUS_LABELS.items())
        self.fields["queue"].choices = [(str(q.pk), q.name) for q in choices.queues] + [
            ("none", _("No queue"))
        ]
        self.fields["priority"].choices = [(str(p.value), p.label) for p in Priority]
        self.fields["category"].choices = [(str(c.pk), c.name) for c in choices.categories]
        self.fields["assignee"].choices = [("me", _("Me")), ("none", _("Unassigned"))] + [
            (str(agent.pk), agent.public_name) for agent in choices.agents
        ]
        self.fields["sla"].choices = list(queue_selectors.SLA_LABELS.items())
        self.fields["reason"].choices = Ticket.Reason.choices
        self.fields["sort"].choices = list(queue_selectors.SORT_LABELS.items())

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())

    def view(self) -> QueueView:
        """The view the URL asks for, less any value that was wrong (see notices())."""
        self.is_valid()
        defaults = QueueView()
        values = {
            name: self.cleaned_data.get(name) or getattr(defaults, name)
            for name in (*queue_selectors.FILTERS, "q", "sort", "page")
        }
        return QueueView(**values)

    def notices(self) -> list[str]:
        """What was wrong with the URL, and what the page shows instead."""
        self.is_valid()
        return [str(message) for errors in self.errors.values() for message in errors]


BULK_STATUSES = [
    (Status.OPEN, Status.OPEN.label),
    (Status.WAITING, Status.WAITING.label),
    (Status.RESOLVED, Status.RESOLVED.label),
    (Status.CLOSED, Status.CLOSED.label),
]
BULK_PRIORITIES = [(p.value, p.label) for p in reversed(Priority)]
BULK_MAX_TICKETS = 200
TICKET_REFERENCE = re.compile(r"HO-\d{7}")


class BulkActionForm(forms.Form):
    """One action for the tickets ticked on the queue: assign, change status or priority."""

    ticket = forms.Field(widget=forms.MultipleHiddenInput, required=False)
    action = forms.ChoiceField(
        choices=[
            ("assign", _("Assign")),
            ("status", _("Change status")),
            ("priority", _("Change priority")),
        ],
        error_messages={
            "required": _("Choose what to do with the tickets."),
            "invalid_choice": _("Choose what to do with the tickets."),
        },
    )
    assignee = forms.ChoiceField(required=False)
    status = forms.ChoiceField(required=False, choices=[("", "—"), *BULK_STATUSES])
    priority = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *BULK_PRIORITIES],
    )

    def __init__(self, data=None, *, user, agents: list, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        self.agents = {str(agent.pk): agent for agent in agents}
        self.fields["assignee"].choices = [
            ("", "—"),
            ("me", _("Me")),
            ("none", _("Nobody (unassign)")),
            *[(pk, agent.public_name) for pk, agent in self.agents.items()],
        ]
        self.fields["assignee"].error_messages["invalid_choice"] = _(
            "That person is not on the support team (any more)."
        )
        self.fields["status"].error_messages["invalid_choice"] = _("Choose a status from the list.")
        self.fields["priority"].error_messages["invalid_choice"] = _(
            "Choose a priority from the list."
        )

    def clean_ticket(self) -> list[str]:
        references = list(dict.fromkeys(self.cleaned_data["ticket"] or []))
        if not references:
            raise forms.ValidationError(_("Tick the tickets to change first."))
        if len(references) > BULK_MAX_TICKETS:
            raise forms.ValidationError(
                _("Change at most %(count)d tickets at once.") % {"count": BULK_MAX_TICKETS}
            )
        if not all(TICKET_REFERENCE.fullmatch(reference) for reference in references):
            raise forms.ValidationError(_("Tick tickets from the queue: a reference was wrong."))
        return references

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == "assign":
            choice = cleaned.get("assignee")
            if not choice:
                if "assignee" not in self.errors:
                    self.add_error("assignee", _("Choose whom to assign the tickets to."))
                return cleaned
            assignee = self._assignee(choice)
            if "assignee" not in self.errors:
                cleaned["value"] = assignee
        elif action == "status":
            if not cleaned.get("status"):
                if "status" not in self.errors:
                    self.add_error("status", _("Choose the status to set."))
                return cleaned
            cleaned["value"] = cleaned["status"]
        elif action == "priority":
            if cleaned.get("priority") is None:
                if "priority" not in self.errors:
                    self.add_error("priority", _("Choose the priority to set."))
                return cleaned
            cleaned["value"] = cleaned["priority"]
        return cleaned

    def _assignee(self, choice: str):
        if choice == "none":
            return None
        if choice == "me":
            return self.user
        assignee = User.objects.filter(pk=int(choice)).first()
        if assignee is None:  # deleted since the page was shown
            self.add_error("assignee", self.fields["assignee"].error_messages["invalid_choice"])
        return assignee
