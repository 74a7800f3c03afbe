"""`{% chrome %}`: the parts of the layout every page repeats, rendered once per look.

The header and footer cost more to render (a dozen `{% url %}` lookups, lazy
translations, the language switch) than the rest of a thread page whose posts come
from the fragment cache. Their look depends on a handful of values (who is signed in,
their name and roles, the language, which tab is current), which the template lists
after the fragment's name; everything per request inside them (the CSRF token and the
current path) is rendered as a placeholder and filled in on every use, so one copy
serves every request with the same look. The copies live in each process (a bounded
LRU), not in the shared cache: they are small, cheap to make again, and a lookup costs
a dictionary access instead of a network round trip.
"""

from collections import OrderedDict
from threading import Lock
from urllib.parse import quote

from django import template
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

MAX_COPIES = 4096
CSRF = "__handoff:csrf__"
PATH = "__handoff:path__"  # the colon makes its |urlencode form differ from it

_copies: OrderedDict[tuple, str] = OrderedDict()
_lock = Lock()


class ChromeNode(template.Node):
    def __init__(self, name: str, vary: list, unless: list, nodelist):
        self.name = name
        self.vary = vary
        self.unless = unless
        self.nodelist = nodelist

    def render(self, context) -> str:
        if any(condition.resolve(context) for condition in self.unless):
            return self.nodelist.render(context)  # this request's own look: not shared
        request = context["request"]
        key = (
            self.name,
            translation.get_language(),
            timezone.get_current_timezone_name(),
            *(variable.resolve(context) for variable in self.vary),
        )
        with _lock:
            html = _copies.get(key)
            if html is not None:
                _copies.move_to_end(key)
        if html is None:
            with context.push(csrf_token=CSRF, current_path=PATH):
                html = self.nodelist.render(context)
            with _lock:
                _copies[key] = html
                if len(_copies) > MAX_COPIES:
                    _copies.popitem(last=False)
        path = request.get_full_path()
        # The context's token is masked once per request and shared by every form on the
        # page; get_token() would mask (32 random characters) afresh on each call.
        token = str(context.get("csrf_token") or get_token(request))
        return mark_safe(
            html.replace(CSRF, token)
            .replace(quote(PATH, safe="/"), escape(quote(path, safe="/")))  # as |urlencode
            .replace(PATH, escape(path))
        )


@register.tag
def chrome(parser, token):
    """{% chrome "name" value ... %}…{% endchrome %}: kept per name, language, time zone, values.

    Inside, `{% csrf_token %}` works as usual and `{{ current_path }}` is the request's
    full path (use `|urlencode` for a query string); nothing else may differ between two
    requests with the same values. `unless a b` after the values renders afresh, and keeps
    nothing, when any of a, b is true (a form with this request's input or errors).
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% chrome %} needs a name")
    nodelist = parser.parse(("endchrome",))
    parser.delete_first_token()
    name = template.Variable(bits[1]).resolve({})
    vary, unless = bits[2:], []
    if "unless" in vary:
        at = vary.index("unless")
        vary, unless = vary[:at], vary[at + 1 :]
    return ChromeNode(
        name,
        [parser.compile_filter(bit) for bit in vary],
        [parser.compile_filter(bit) for bit in unless],
        nodelist,
    )
