"""What editors type into an article, and what a member types while asking."""

from django import forms
from django.utils.translation import gettext_lazy as _

from forum.models import Category
from help.models import TEXT_LANGUAGES
from safety import guard
from safety.forms import clean_text

STEPS_HELP = _("One step a line.")


class ArticleForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        empty_label=_("Choose a category"),
        error_messages={"invalid_choice": _("Choose one of the categories.")},
    )
    question_en = forms.CharField(label=_("Question (English)"), max_length=200, required=False)
    answer_en = forms.CharField(
        label=_("Short answer (English)"),
        max_length=2_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    steps_en = forms.CharField(
        label=_("Steps (English)"),
        max_length=5_000,
        required=False,
        help_text=STEPS_HELP,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    question_zh = forms.CharField(label=_("Question (Chinese)"), max_length=200, required=False)
    answer_zh = forms.CharField(
        label=_("Short answer (Chinese)"),
        max_length=2_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    steps_zh = forms.CharField(
        label=_("Steps (Chinese)"),
        max_length=5_000,
        required=False,
        help_text=STEPS_HELP,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    review_by = forms.DateField(
        label=_("Review by"),
        required=False,
        help_text=_("When someone should check the article is still right."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    TEXT_FIELDS = tuple(
        f"{part}_{language}"
        for language in TEXT_LANGUAGES
        for part in ("question", "answer", "steps")
    )

    def clean(self):
        data = super().clean()
        for name in self.TEXT_FIELDS:
            value = clean_text(data.get(name) or "").strip()
            data[name] = value
            refused = guard.refused(guard.find_secrets(value)) if value else []
            if refused:
                self.add_error(name, guard.message_for(finding.kind for finding in refused))
        for language in TEXT_LANGUAGES:
            question, answer = data.get(f"question_{language}"), data.get(f"answer_{language}")
            if (question or answer or data.get(f"steps_{language}")) and not (question and answer):
                self.add_error(
                    f"answer_{language}" if question else f"question_{language}",
                    _("Give both the question and its short answer in each language you write."),
                )
        if (
            not any(data.get(f"question_{language}") for language in TEXT_LANGUAGES)
            and not self.errors
        ):
            raise forms.ValidationError(
                _("Write the question and its short answer in English or Chinese.")
            )
        return data


def typed_question(data) -> str:
    """The title and body being typed, as one text for the similar-questions lookup
    (cut: the lookup reads only its first words, and invisible characters dropped)."""
    title = clean_text(str(data.get("title", ""))[:300])
    body = clean_text(str(data.get("body", ""))[:1_000])
    return f"{title} {body}".strip()
