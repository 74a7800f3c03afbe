"""How a post's body is shown: {% post_body post %} wherever a template shows one."""

from django import template
from django.utils.safestring import mark_safe

from forum import defang
from safety.selectors import domain_rules

register = template.Library()


@register.simple_tag(takes_context=True)
def post_body(context, post):
    """The post's stored HTML, with the links nobody should follow as text (forum/defang.py).

    The domain lists are read once per rendering of a template, not once per post.
    """
    rules = context.render_context.get("forum_domain_rules")
    if rules is None:
        rules = context.render_context["forum_domain_rules"] = domain_rules()
    return mark_safe(defang.shown_body_html(post, rules=rules))  # our renderer's HTML, changed
