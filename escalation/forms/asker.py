from django import forms
from django.utils.translation import gettext_lazy as _

from safety.forms import RefusesSecrets
from safety.models import SecretRefusal


class AskStaffForm(RefusesSecrets, forms.Form):
    secret_fields = ("note",)
    secret_where = SecretRefusal.Where.ASK_STAFF

    note = forms.CharField(
        label=_("Anything the support team should know"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Never include your recovery phrase or private key."),
    )


class SurveyCommentForm(RefusesSecrets, forms.Form):
    """The optional comment after a rating, from the survey page or the request's page."""

    secret_fields = ("comment",)
    hash_question_fields = ()  # a comment for the team's records: keys refused, hashes let be
    secret_where = SecretRefusal.Where.SURVEY

    comment = forms.CharField(
        label=_("Anything you would like to tell us?"),
        max_length=2000,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Never include your recovery phrase or private key."),
        error_messages={"max_length": _("Keep the comment under 2,000 characters.")},
    )


class RatingForm(SurveyCommentForm):
    """A rating from the request's page: a score (one of five buttons) and an optional comment.

    Once the asker has rated this cycle, the same form adds the comment alone.
    """

    score = forms.TypedChoiceField(
        label=_("How did the support team do?"),
        choices=[(score, str(score)) for score in range(1, 6)],
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a rating from 1 to 5.")},
    )
