from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from forum.models import Category, Thread

ENGLISH, CHINESE = "en", "zh"
TEXT_LANGUAGES = (ENGLISH, CHINESE)


def text_language(language_code: str | None) -> str:
    """The article language for a site language: "zh-hans" and the like → "zh"."""
    return CHINESE if (language_code or "").lower().startswith("zh") else ENGLISH


@dataclass(frozen=True)
class ArticleText:
    """An article in one language: what a reader is shown."""

    language: str  # "en" or "zh"
    question: str
    answer: str
    steps: list[str]
    is_fallback: bool  # not in the language asked for: the other one


class Article(models.Model):
    """A knowledge-base entry: a question and its short answer, with steps, in English,
    Chinese or both (each language whole or empty: help.forms and help.services check),
    in order within a category. Made from a solved thread (`source_thread`), reviewed by
    `review_by`, retired rather than deleted (hidden from members and search).

    `index_title` and `index_body` are its words as forum's search normaliser makes them
    (forum/search/text.py), both languages together, written by help.services.articles
    with every change: the suggestions and the search page match queries against them.
    """

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    slug = models.SlugField(max_length=80, allow_unicode=True)
    question_en = models.CharField(_("question (English)"), max_length=200, blank=True)
    answer_en = models.TextField(_("short answer (English)"), blank=True)
    steps_en = models.TextField(_("steps (English)"), blank=True)
    question_zh = models.CharField(_("question (Chinese)"), max_length=200, blank=True)
    answer_zh = models.TextField(_("short answer (Chinese)"), blank=True)
    steps_zh = models.TextField(_("steps (Chinese)"), blank=True)
    source_thread = models.ForeignKey(
        Thread,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thread it answers"),
    )
    review_by = models.DateField(_("review by"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    view_count = models.PositiveIntegerField(default=0, editable=False)
    helpful_yes = models.PositiveIntegerField(default=0, editable=False)
    helpful_no = models.PositiveIntegerField(default=0, editable=False)
    index_title = models.TextField(blank=True, editable=False)
    index_body = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("help article")
        verbose_name_plural = _("help articles")
        ordering = ["category_id", "position", "pk"]
        indexes = [models.Index(fields=["category", "position"], name="help_article_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["source_thread"],
                condition=Q(source_thread__isnull=False),
                name="help_one_article_per_thread",
            ),
            models.CheckConstraint(
                condition=~Q(question_en="") | ~Q(question_zh=""),
                name="help_article_has_a_question",
            ),
        ]

    def __str__(self) -> str:
        return self.question_en or self.question_zh

    def get_absolute_url(self) -> str:
        return reverse("help:article", args=[self.pk, self.slug or "-"])

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def languages(self) -> list[str]:
        return [language for language in TEXT_LANGUAGES if getattr(self, f"question_{language}")]

    def text_in(self, language: str) -> ArticleText:
        """The article in `language` ("en"/"zh" or a site language code), or in the other
        one when it has no text in that language."""
        wanted = text_language(language)
        shown = self.shown_language(language)
        return ArticleText(
            language=shown,
            question=getattr(self, f"question_{shown}"),
            answer=getattr(self, f"answer_{shown}"),
            steps=[
                line.strip()
                for line in getattr(self, f"steps_{shown}").splitlines()
                if line.strip()
            ],
            is_fallback=shown != wanted,
        )

    def shown_language(self, language: str) -> str:
        """ "en" or "zh": `language` if the article has it, else the one it has."""
        wanted = text_language(language)
        return wanted if getattr(self, f"question_{wanted}") else self.languages[0]

    @property
    def title(self) -> str:
        """The question in the language of the page being rendered (or the other one);
        reads the questions only, so lists load nothing else."""
        return getattr(self, f"question_{self.shown_language(get_language())}")

    @property
    def title_lang(self) -> str:
        """The HTML language of `title`: "zh-Hans" or "en"."""
        return "zh-Hans" if self.shown_language(get_language()) == CHINESE else "en"


class PendingDeflection(models.Model):
    """A member who opened a suggestion while asking, not yet counted: one row a member,
    gone at the fold that counts it (help.services.deflections). Who and when only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    first_opened_at = models.DateTimeField()
    last_opened_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("pending deflection")
        verbose_name_plural = _("pending deflections")

    def __str__(self) -> str:
        return f"pending deflection of {self.user_id}"


class DeflectionDay(models.Model):
    """Counts per day and source, nothing else: suggestions opened while asking (`opened`:
    one per asking session), members who then did not ask (`deflected`) or asked after all
    (`asked_anyway`)."""

    class Source(models.TextChoices):
        ASK = "ask", _("Similar questions while asking")
        BOT = "bot", _("The first-line answer bot")

    day = models.DateField(_("day"))
    source = models.CharField(_("where"), max_length=10, choices=Source)
    opened = models.PositiveIntegerField(_("suggestions opened"), default=0)
    deflected = models.PositiveIntegerField(_("left without asking"), default=0)
    asked_anyway = models.PositiveIntegerField(_("asked anyway"), default=0)

    class Meta:
        verbose_name = _("deflection count")
        verbose_name_plural = _("deflection counts")
        constraints = [
            models.UniqueConstraint(fields=["day", "source"], name="help_one_deflection_row_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.source}"


class BotReply(models.Model):
    """The first-line bot's automatic reply to a new question: the closest knowledge-base
    articles and solved threads, in the asker's language (help.services.bot).

    Not a post: it is shown under the question, labelled as automatic, and the forum's
    counts, states and escalation clocks never see it, so the question waits for the
    community and the support team exactly as if the bot had not spoken. `suggestions`
    holds what it offered, each {"kind": "article"|"thread", "id", "title", "excerpt"},
    best first; the page leaves out any that was retired or hidden since. The asker's
    answer is `outcome`: the suggestion that answered the question (the thread is then
    solved) or "I still need help".
    """

    class Outcome(models.TextChoices):
        NONE = "", _("No answer yet")
        ANSWERED = "answered", _("This answered my question")
        NEEDS_HELP = "needs_help", _("I still need help")

    thread = models.OneToOneField(
        Thread, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(max_length=2, choices=[(ENGLISH, "English"), (CHINESE, "中文")])
    suggestions = models.JSONField(default=list)
    created_at = models.DateTimeField()
    outcome = models.CharField(max_length=10, choices=Outcome, default=Outcome.NONE, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    # Which suggestion answered it: its kind and id, as in `suggestions`.
    answered_by_kind = models.CharField(max_length=10, blank=True)
    answered_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("automatic reply")
        verbose_name_plural = _("automatic replies")

    def __str__(self) -> str:
        return f"bot reply to {self.thread_id}"
