from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


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
    is_read_only = models.BooleanField(_("read only"), default=False)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="category_colour_hex"
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
