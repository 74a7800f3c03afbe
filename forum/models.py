from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from forum.states import QuestionState, state_of
from forum.wallet import TxFormat


class Category(models.Model):
    """A place for one kind of question. Names are kept in English and Simplified Chinese."""

    name = models.CharField(_("name (English)"), max_length=80)
    name_zh_hans = models.CharField(_("name (Simplified Chinese)"), max_length=80, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.CharField(_("description (English)"), max_length=300, blank=True)
    description_zh_hans = models.CharField(
        _("description (Simplified Chinese)"), max_length=300, blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    colour = models.CharField(
        _("colour"), max_length=7, default="#2563eb", help_text=_("A CSS hex colour, e.g. #2563eb.")
    )
    is_read_only = models.BooleanField(
        _("read only"), default=False, help_text=_("Members cannot ask new questions here.")
    )
    asks_wallet_details = models.BooleanField(
        _("asks for wallet details"),
        default=False,
        help_text=_("The ask form offers network, app version, device and transaction hash."),
    )
    thread_count = models.PositiveIntegerField(default=0, editable=False)
    last_activity_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="category_colour_hex"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forum:category", args=[self.slug])

    @property
    def localized_name(self) -> str:
        if (get_language() or "").startswith("zh") and self.name_zh_hans:
            return self.name_zh_hans
        return self.name

    @property
    def localized_description(self) -> str:
        if (get_language() or "").startswith("zh") and self.description_zh_hans:
            return self.description_zh_hans
        return self.description


class Chain(models.Model):
    """A network users can name on a question; kept in the admin."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    tx_format = models.CharField(_("transaction hash format"), max_length=20, choices=TxFormat)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("offered on the ask form"), default=True)

    class Meta:
        verbose_name = _("chain")
        verbose_name_plural = _("chains")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Thread(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        SOLVED = "solved", _("Solved")
        CLOSED = "closed", _("Closed")

    # Indexed through the composite indexes below, which all start with it.
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="threads", db_index=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="threads"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=80, allow_unicode=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State, default=State.OPEN)
    is_hidden = models.BooleanField(default=False)
    accepted_post = models.ForeignKey(
        "Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    solved_at = models.DateTimeField(null=True, blank=True)
    # Denormalised for lists; changed only with F() in the services. reply_count counts
    # the replies every reader sees: neither hidden nor deleted.
    reply_count = models.PositiveIntegerField(default=0)
    # Of those, the replies the support team posted as such (posted_as "agent"): search's
    # "answered by the support team" filter reads it instead of the posts.
    staff_answer_count = models.PositiveIntegerField(default=0)
    vote_count = models.IntegerField(default=0)
    view_count = models.PositiveIntegerField(default=0)
    post_count = models.PositiveIntegerField(default=0)
    # "Answered" means a reply by someone other than the asker (see DESIGN).
    first_reply_at = models.DateTimeField(null=True, blank=True)
    # Set by whoever watches the clocks (the escalation app) through the services:
    # when the community was asked to help, and when the support team took it on.
    needs_help_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # When the support team resolved or closed its request (escalated_at is then empty);
    # empty again once the thread is escalated anew. See forum/states.py.
    support_resolved_at = models.DateTimeField(null=True, blank=True)
    # Wallet context, when the category asks for it.
    chain = models.ForeignKey(Chain, on_delete=models.SET_NULL, null=True, blank=True)
    app_version = models.CharField(_("app version"), max_length=40, blank=True)
    device = models.CharField(_("device and OS"), max_length=80, blank=True)
    tx_hash = models.CharField(_("transaction hash"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        # Not partial on is_hidden: moderators list hidden threads too, through the same
        # indexes; members skip the few hidden rows while walking them.
        indexes = [
            models.Index(
                fields=["category", "-last_activity_at", "-id"], name="thread_cat_activity"
            ),
            models.Index(fields=["category", "-created_at", "-id"], name="thread_cat_newest"),
            models.Index(fields=["category", "-vote_count", "-id"], name="thread_cat_votes"),
            models.Index(
                fields=["category", "state", "-last_activity_at", "-id"],
                name="thread_cat_state_activity",
            ),
            models.Index(
                fields=["category", "-last_activity_at", "-id"],
                name="thread_cat_needs_help",
                condition=Q(needs_help_at__isnull=False, state="open"),
            ),
            models.Index(
                fields=["-needs_help_at", "-id"],
                name="thread_needs_help",
                condition=Q(needs_help_at__isnull=False, state="open"),
            ),
            models.Index(
                fields=["category", "-last_activity_at", "-id"],
                condition=Q(first_reply_at__isnull=True),
                name="thread_cat_unanswered",
            ),
            models.Index(fields=["-last_activity_at", "-id"], name="thread_latest"),
            models.Index(
                fields=["author", "-last_activity_at", "-id"], name="thread_author_activity"
            ),
            models.Index(fields=["tx_hash"], condition=~Q(tx_hash=""), name="thread_tx_hash"),
            # The threads search's "answered by the support team" keeps to (forum/search).
            models.Index(
                fields=["id"],
                condition=Q(staff_answer_count__gt=0) | Q(support_resolved_at__isnull=False),
                name="thread_support_answered",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="solved") | Q(solved_at__isnull=False),
                name="thread_solved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forum:thread-detail", args=[self.pk, self.slug or "-"])

    @property
    def is_solved(self) -> bool:
        return self.state == self.State.SOLVED

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED

    @property
    def is_answered(self) -> bool:
        return self.first_reply_at is not None

    @property
    def question_state(self) -> QuestionState:
        """Where the question stands (forum/states.py): what every badge shows."""
        return state_of(self)

    @property
    def has_wallet_details(self) -> bool:
        return bool(self.chain_id or self.app_version or self.device or self.tx_hash)


class Post(models.Model):
    """The question (number 1) or a reply. Numbers are gapless per thread, for paging."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    body = models.TextField(_("body"))
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(default=False)
    # When flags from trusted members hid the post (services.flag_post); cleared when a
    # moderator reviews it, so "hidden and this is set" means "waiting for a moderator".
    auto_hidden_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    vote_count = models.IntegerField(default=0)
    # Flags on the post that no moderator has resolved yet, kept by the services that open
    # and resolve flags (flag_post, _resolve_flags). While there are any, or while the post is
    # hidden, its links show as text (forum/defang.py); a column rather than a count of
    # Flag rows so the thread page's cached posts are keyed by it.
    open_flag_count = models.PositiveIntegerField(default=0, editable=False)
    # The capacity the author wrote in (accounts.powers.acting_role): "agent" only when a
    # support agent's session had verified its second factor. The badge follows this,
    # never the author's role alone, so a phished password cannot write as the team.
    posted_as = models.CharField(
        max_length=10,
        blank=True,
        default="",
        choices=[("agent", _("support team")), ("moderator", _("moderator"))],
        editable=False,
    )

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(fields=["thread", "number"], name="post_number_unique"),
        ]
        indexes = [
            models.Index(fields=["author", "-created_at"], name="post_author_recent"),
            # A thread's posts by who they were posted as (the support team's answers,
            # forum.selectors.answers_of_threads): found without reading the others.
            models.Index(fields=["thread", "posted_as", "-number"], name="post_thread_voice"),
        ]

    def __str__(self) -> str:
        return f"{self.thread_id}#{self.number}"

    def get_absolute_url(self) -> str:
        return self.action_url_base

    @cached_property
    def action_url_base(self) -> str:
        """/p/<id>/: the permalink, and the prefix of every action on the post (forum/urls.py)."""
        return reverse("forum:post-permalink", args=[self.pk])

    @property
    def is_question(self) -> bool:
        return self.number == 1

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_awaiting_review(self) -> bool:
        """Hidden automatically by flags, and no moderator has looked yet."""
        return self.is_hidden and self.auto_hidden_at is not None

    @property
    def has_links_as_text(self) -> bool:
        """Flagged, or hidden (by flags or by a moderator): its links are not clickable
        until a moderator restores it (forum/defang.py)."""
        return self.open_flag_count > 0 or self.is_hidden

    @property
    def badge(self) -> str:
        """The role badge the post shows: the capacity it was written in, while its
        author still holds that role ("agent", "moderator" or "")."""
        if self.posted_as == "agent" and self.author.is_agent:
            return "agent"
        if self.posted_as in ("agent", "moderator") and self.author.is_moderator:
            return "moderator"
        return ""

    @property
    def is_staff_answer(self) -> bool:
        """Written by the support team, with a verified second factor."""
        return self.posted_as == "agent"


class PostRevision(models.Model):
    """What a post said before an edit: the history readers can view."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["post", "-created_at"], name="revision_post_recent")]

    def __str__(self) -> str:
        return f"revision of post {self.post_id} at {self.created_at:%Y-%m-%d %H:%M}"


class Vote(models.Model):
    """A "helpful" vote. One per user per post; never on one's own post (checked in the service)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="vote_once_per_post")]

    def __str__(self) -> str:
        return f"vote by {self.user_id} on post {self.post_id}"


class Follow(models.Model):
    """Someone follows a thread or a whole category."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(thread__isnull=False, category__isnull=True)
                | Q(thread__isnull=True, category__isnull=False),
                name="follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "thread"],
                condition=Q(thread__isnull=False),
                name="follow_thread_once",
            ),
            models.UniqueConstraint(
                fields=["user", "category"],
                condition=Q(category__isnull=False),
                name="follow_category_once",
            ),
        ]
        indexes = [models.Index(fields=["thread", "user"], name="follow_thread_users")]

    def __str__(self) -> str:
        target = f"thread {self.thread_id}" if self.thread_id else f"category {self.category_id}"
        return f"{self.user_id} follows {target}"


class Flag(models.Model):
    """A member's report that a post needs a moderator's eyes.

    A flag without a reporter was raised by the forum itself (a link to a look-alike of
    an official site from a trusted member: safety/links.py).
    """

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        SCAM = "scam", _("Scam or impersonation")
        SECRET = "secret", _("Shares a recovery phrase or private key")
        RUDE = "rude", _("Rude or abusive")
        OFF_TOPIC = "off_topic", _("Off topic")
        OTHER = "other", _("Something else")

    class Outcome(models.TextChoices):
        HIDDEN = "hidden", _("Post hidden")
        DISMISSED = "dismissed", _("Dismissed")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the forum raised the flag itself."),
    )
    reason = models.CharField(max_length=20, choices=Reason)
    note = models.CharField(max_length=500, blank=True)
    # Whether the reporter was trusted when flagging (accounts.trust.is_trusted, staff powers
    # included): counted for auto-hide as it was then, not re-judged from the account.
    is_trusted = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=Q(resolved_at__isnull=True),
                name="flag_open_once",
            ),
            # NULLs are distinct in the constraint above, so the forum's own flags get theirs.
            models.UniqueConstraint(
                fields=["post"],
                condition=Q(resolved_at__isnull=True, reporter__isnull=True),
                name="flag_open_once_by_system",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(resolved_at__isnull=True), name="flag_open_queue"
            )
        ]

    def __str__(self) -> str:
        return f"flag on post {self.post_id}: {self.reason}"

    @property
    def is_by_system(self) -> bool:
        return self.reporter_id is None


class ModerationLog(models.Model):
    """Who did what to which thread or post, when and why. Append-only.

    No actor means the forum acted by itself (a post hidden by members' flags).
    """

    class Action(models.TextChoices):
        HIDE_POST = "hide_post", _("Hid a post")
        UNHIDE_POST = "unhide_post", _("Unhid a post")
        EDIT_POST = "edit_post", _("Edited a post")
        MOVE_THREAD = "move_thread", _("Moved a thread")
        CLOSE_THREAD = "close_thread", _("Closed a thread")
        REOPEN_THREAD = "reopen_thread", _("Reopened a thread")
        MARK_SOLVED = "mark_solved", _("Marked a thread solved")
        UNMARK_SOLVED = "unmark_solved", _("Marked a thread unsolved")
        HIDE_THREAD = "hide_thread", _("Hid a thread")
        UNHIDE_THREAD = "unhide_thread", _("Unhid a thread")
        DISMISS_FLAGS = "dismiss_flags", _("Dismissed flags")
        AUTO_HIDE_POST = "auto_hide_post", _("Hid a post after flags from trusted members")
        CONFIRM_HIDDEN_POST = "confirm_hidden_post", _("Kept a post hidden after review")
        SILENCE_MEMBER = "silence_member", _("Silenced a member")
        SUSPEND_MEMBER = "suspend_member", _("Suspended a member")
        LIFT_SANCTION = "lift_sanction", _("Lifted a member's silence or suspension")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the forum acted by itself."),
    )
    action = models.CharField(max_length=30, choices=Action)
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The account acted upon (forum.sanctions), for silences, suspensions and lifts.
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # Until when a silence or suspension holds; empty for one until lifted (or no sanction).
    until = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["thread", "-created_at"], name="modlog_thread_recent")]

    def __str__(self) -> str:
        actor = self.actor_id or "system"
        return f"{actor} {self.action} at {self.created_at:%Y-%m-%d %H:%M}"


class SearchEntry(models.Model):
    """One post as the search index reads it: the normalised words of its text
    (forum/search/text.py), written by forum.search.index in the transaction that
    creates, edits or deletes the post.

    Only the words live here. Whether the post or its thread is hidden, the thread's
    category and whether it is solved are read from the post and thread rows when
    searching, so hiding, showing and moving take effect at once without touching the
    index. Each database adds its own full-text structure over this table in the
    migration that creates it: an FTS5 table kept by triggers on SQLite, a generated
    tsvector column with a GIN index on PostgreSQL (forum/search/backends.py).
    """

    post = models.OneToOneField(
        Post, on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    title = models.TextField(blank=True)  # the question's row only
    body = models.TextField(blank=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self) -> str:
        return f"search entry of {self.post_id}"
