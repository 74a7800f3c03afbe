from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from forum import markdown, wallet
from forum.models import Category, Chain, Flag
from forum.sanctions import DURATION_LABELS
from forum.services import posting
from safety.errors import LinkRefused
from safety.forms import RefusesSecrets, clean_text
from safety.models import SecretRefusal

TITLE_MIN, TITLE_MAX = 10, 200
BODY_MIN, BODY_MAX = 20, 50_000


def _letters(value: str) -> int:
    return sum(1 for ch in value if ch.isalpha())


class TitleField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label=_("Title"),
            max_length=TITLE_MAX,
            help_text=_(
                "Say what is wrong in one sentence, e.g. “USDT sent on TRON shows pending for 2 hours”."
            ),
            **kwargs,
        )

    def clean(self, value):
        value = " ".join(clean_text(value or "").split())
        value = super().clean(value)
        if len(value) < TITLE_MIN:
            raise ValidationError(
                _("The title needs at least %(min)d characters; describe the problem."),
                params={"min": TITLE_MIN},
            )
        if _letters(value) < 4 or len(set(value.replace(" ", ""))) < 4:
            raise ValidationError(_("Write the title as a real question, in words."))
        latin = [ch for ch in value if ch.isalpha() and ch.isascii()]
        if len(latin) >= 10 and all(ch.isupper() for ch in latin):
            raise ValidationError(_("Please don’t write the title in capitals."))
        return value


class BodyField(forms.CharField):
    def __init__(self, *, label=None, min_length=BODY_MIN, **kwargs):
        self.min_body = min_length
        super().__init__(
            label=label or _("Details"),
            max_length=BODY_MAX,
            widget=forms.Textarea(attrs={"rows": 10}),
            strip=True,
            **kwargs,
        )

    def clean(self, value):
        value = clean_text(value or "").strip()
        value = super().clean(value)
        if len("".join(value.split())) < self.min_body:
            raise ValidationError(
                _("Write at least %(min)d characters."), params={"min": self.min_body}
            )
        if not markdown.is_within_budget(value):
            raise ValidationError(markdown.over_budget_message(), code="too_complex")
        return value


class _LinkRules:
    """Checks the body's links and images for its `author` (safety/links.py), if one is given.

    The services check again before they write; here the reason shows next to the text.
    """

    author = None

    def clean_body(self):
        body = self.cleaned_data["body"]
        if self.author is not None:
            try:
                posting.check_links(author=self.author, body=body)
            except LinkRefused as error:
                raise ValidationError(str(error), code="links") from None
        return body


class AskForm(RefusesSecrets, _LinkRules, forms.Form):
    title = TitleField()
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(is_read_only=False),
        empty_label=_("Choose a category"),
        error_messages={"invalid_choice": _("Choose one of the categories.")},
    )
    body = BodyField(
        help_text=_(
            "What did you do, what happened, what did you expect? Never post your recovery phrase or private key."
        )
    )
    chain = forms.ModelChoiceField(
        label=_("Network"),
        queryset=Chain.objects.filter(is_active=True),
        required=False,
        empty_label=_("Not sure / not relevant"),
    )
    app_version = forms.CharField(label=_("App version"), max_length=40, required=False)
    device = forms.CharField(label=_("Device and OS"), max_length=80, required=False)
    tx_hash = forms.CharField(
        label=_("Transaction hash"),
        max_length=300,
        required=False,
        help_text=_("A transaction hash is public and safe to share. Never share a private key."),
    )

    WALLET_FIELDS = ("chain", "app_version", "device", "tx_hash")
    secret_fields = ("title", "body", "app_version", "device", "tx_hash")
    # The transaction hash field is made for one: no question there.
    hash_question_fields = ("title", "body", "app_version", "device")
    secret_where = SecretRefusal.Where.ASK

    def __init__(self, *args, category=None, author=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.author = author
        if category is not None:
            self.fields["category"].initial = category.pk

    def clean_app_version(self):
        value = self.cleaned_data["app_version"]
        return wallet.normalize_app_version(value) if value.strip() else ""

    def clean_device(self):
        return wallet.normalize_device(self.cleaned_data["device"])

    def clean(self):
        cleaned = super().clean()
        category = cleaned.get("category")
        if category is not None and not category.asks_wallet_details:
            for name in self.WALLET_FIELDS:
                cleaned[name] = None if name == "chain" else ""
            return cleaned
        raw_hash = (cleaned.get("tx_hash") or "").strip()
        if raw_hash:
            chain = cleaned.get("chain")
            if chain is None:
                self.add_error("tx_hash", _("Choose the network this transaction was on."))
            else:
                try:
                    cleaned["tx_hash"] = wallet.normalize_tx_hash(chain.tx_format, raw_hash)
                except ValidationError as error:
                    self.add_error("tx_hash", error)
        return cleaned


class ReplyForm(RefusesSecrets, _LinkRules, forms.Form):
    body = BodyField(label=_("Your answer"), min_length=BODY_MIN)

    secret_fields = ("body",)
    secret_where = SecretRefusal.Where.REPLY

    def __init__(self, *args, author=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.author = author


class EditPostForm(RefusesSecrets, _LinkRules, forms.Form):
    title = TitleField(required=False)
    body = BodyField(label=_("Text"))
    reason = forms.CharField(label=_("Reason for the edit"), max_length=200, required=False)

    secret_fields = ("title", "body", "reason")
    secret_where = SecretRefusal.Where.EDIT

    def __init__(self, *args, is_question: bool, author=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.author = author
        if not is_question:
            del self.fields["title"]
        else:
            self.fields["title"].required = True


class FlagForm(RefusesSecrets, forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this post?"),
        choices=Flag.Reason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Anything a moderator should know"), max_length=500, required=False
    )

    secret_fields = ("note",)
    hash_question_fields = ()  # a short note for moderators: keys refused, hashes let be
    secret_where = SecretRefusal.Where.FLAG


class ModerationReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept in the moderation log)"), max_length=500, required=False
    )


class MoveThreadForm(ModerationReasonForm):
    category = forms.ModelChoiceField(
        label=_("Move to"),
        queryset=Category.objects.all(),
        error_messages={"invalid_choice": _("Choose one of the categories.")},
    )


class SearchForm(forms.Form):
    """The search page's query string. A filter with a value it cannot read is left out
    (the view searches without it) rather than refusing the page."""

    # No max_length: a long query is cut (forum/search/engine.py) and the page says so.
    q = forms.CharField(label=_("Search"), required=False)
    category = forms.SlugField(label=_("Category"), required=False)
    solved = forms.ChoiceField(
        label=_("Solved"),
        required=False,
        choices=[("", _("Any")), ("yes", _("Solved")), ("no", _("Not solved yet"))],
    )
    staff = forms.BooleanField(label=_("Answered by the support team"), required=False)
    since = forms.DateField(label=_("Asked from"), required=False)
    until = forms.DateField(label=_("Asked until"), required=False)
    page = forms.IntegerField(min_value=1, max_value=1000, required=False)

    def clean_q(self):
        # Cut far past the search's own limit first, so a huge query costs nothing to clean.
        return " ".join(clean_text(self.cleaned_data["q"][:2_000]).split())


class SanctionForm(forms.Form):
    """Silence or suspend a member: what, for how long, and why (the member is shown it)."""

    kind = forms.ChoiceField(
        label=_("Action"),
        choices=[
            ("silence", _("Silence (may read, may not post)")),
            ("suspend", _("Suspend (signed out, may not sign in)")),
        ],
        initial="silence",
        error_messages={"invalid_choice": _("Choose silence or suspend.")},
    )
    duration = forms.ChoiceField(
        label=_("For"),
        choices=[],
        initial="7d",
        error_messages={"invalid_choice": _("Choose how long it lasts.")},
    )
    reason = forms.CharField(
        label=_("Reason (shown to the member and kept in the moderation log)"),
        max_length=500,
        error_messages={"required": _("Give a reason: the member is shown it.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duration"].choices = list(DURATION_LABELS.items())
