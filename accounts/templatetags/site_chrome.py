"""`{% chrome %}`: the parts of the layout every page repeats, rendered once per look.

The header and footer cost more to render (a dozen `{% url %}` lookups, lazy
translations, the language switch) than the rest of a thread page whose posts come
from the fragment cache. Their look depends on a handful of values (who is signed in,
their name and roles, the language, which tab is current), which the template lists
after the fragment's name; everything per request inside them (the CSRF token and the
current path) is rendered as a placeholder and filled in on every use, so one copy
serves every request with the same look. The copies live in the shared cache under
config.caching.chrome_key, like every other fragment: a change made by any process
shows on the next request of every process.
"""

from django import template
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader_tags import ExtendsNode
from django.utils.safestring import mark_safe
from template_partials.templatetags.partials import RenderPartialNode

from config import caching

register = template.Library()


class ChromeNode(template.Node):
    def __init__(self, name: str, vary: list, unless: list, nodelist):
        self.name = name
        self.vary = vary
        self.unless = unless
        self.nodelist = nodelist

    def is_shared(self, context) -> bool:
        return not any(condition.resolve(context) for condition in self.unless)

    def key(self, context) -> str:
        return caching.chrome_key(self.name, (variable.resolve(context) for variable in self.vary))

    def render(self, context) -> str:
        if not self.is_shared(context):
            return self.nodelist.render(context)  # this request's own look: not shared
        request = context["request"]
        key = self.key(context)
        copies = _page_copies(context, request)
        html = copies.get(key)
        if html is None:
            html = cache.get(key)
        if html is None:
            with context.push(
                csrf_token=caching.csrf_placeholder(), current_path=caching.path_placeholder()
            ):
                html = self.nodelist.render(context)
            cache.set(key, html, caching.CHROME_TTL)
        # The context's token is masked once per request and shared by every form on the
        # page; get_token() would mask (32 random characters) afresh on each call.
        token = str(context.get("csrf_token") or get_token(request))
        return mark_safe(
            caching.fill_request_values(html, token=token, path=request.get_full_path())
        )


def _page_copies(context, request) -> dict:
    """Every chrome block of the page being rendered, fetched in one get_many.

    The first block of a request looks up the blocks of its template and of the
    templates it extends whose values the context already holds (the same context
    renders them all): one round trip to the cache instead of one per block. A block
    this misses (inside a loop, say) is fetched on its own.
    """
    copies = getattr(request, "_chrome_copies", None)
    if copies is None:
        keys = [node.key(context) for node in _chrome_nodes(context) if node.is_shared(context)]
        copies = request._chrome_copies = cache.get_many(keys) if keys else {}
    return copies


def _chrome_nodes(context) -> list:
    """The chrome blocks of the page's template and of those it extends.

    Found by walking the compiled templates, once per template object when every
    `{% extends %}` of the chain names a literal template (the cached loader keeps the
    objects, so this is once per process and template); a computed parent is walked on
    every request.
    """
    top = context.template
    found = getattr(top, "_chrome_nodes", None)
    if found is not None:
        return found
    nodes, current, seen, constant = [], top, 0, True
    while current is not None and seen < 10:  # extends chains are short; never loop
        seen += 1
        nodes += _in(current.nodelist)
        extends = current.nodelist.get_nodes_by_type(ExtendsNode)
        if extends:
            parent_name = extends[0].parent_name
            constant = constant and isinstance(parent_name.var, str) and not parent_name.filters
        current = _parent(extends[0], context) if extends else None
    nodes = list(dict.fromkeys(nodes))  # a partial is both defined and rendered by name
    if constant:
        top._chrome_nodes = nodes
    return nodes


def _in(nodelist) -> list:
    """The chrome blocks of a nodelist, and of the partials it renders by name
    (`{% partial name %}`, a page's htmx answer made of several of its regions)."""
    nodes = nodelist.get_nodes_by_type(ChromeNode)
    for reference in nodelist.get_nodes_by_type(RenderPartialNode):
        try:
            partial = reference.partial_mapping[reference.partial_name]
        except template.TemplateSyntaxError:
            continue
        nodes += partial.nodelist.get_nodes_by_type(ChromeNode)
    return nodes


def _parent(extends, context):
    parent = extends.parent_name.resolve(context)
    if isinstance(parent, str):
        try:
            return context.template.engine.get_template(parent)
        except template.TemplateDoesNotExist:
            return None
    return getattr(parent, "template", parent)


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
