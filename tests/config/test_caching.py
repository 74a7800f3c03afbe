"""config/caching.py: one module for every cache, keys from what is rendered, nothing per process.

"Another process" is simulated the way one looks from here: a second client of the
shared cache (caches.create_connection) that makes its own deletions, while this
process keeps whatever it holds.
"""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.template import engines
from django.test import override_settings
from django.urls import reverse

from accounts import roles
from config import caching
from forum.models import Post
from tests.accounts.test_role_audit import _FormFields
from tests.factories import PostFactory, ThreadFactory
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

STAFF_BADGE = 'title="Verified member of the support team"'


@pytest.fixture
def staff_answer(member, agent):
    """A question by `member` answered by `agent` as the support team."""
    thread = ThreadFactory(author=member, title="Withdrawal stuck at the exchange")
    post = PostFactory(thread=thread, author=agent, body="Staff here: check the memo field.")
    Post.objects.filter(pk=post.pk).update(posted_as="agent")
    return thread


def _pages(thread, *clients) -> list[str]:
    return [client.get(thread.get_absolute_url()).content.decode() for client in clients]


def _warm(thread, *clients) -> None:
    """Render twice for each client: the second render is served from the caches."""
    for page in _pages(thread, *clients) + _pages(thread, *clients):
        assert STAFF_BADGE in page


def _another_process_cache():
    return caches.create_connection("default")


# --- Badges and powers follow the current roles, with the caches warm -------------------


def test_an_agent_an_admin_takes_staff_status_from_loses_the_badge_on_the_next_render(
    staff_answer, member, agent, admin_user
):
    readers = [client_for(member), client_for(None)]
    _warm(staff_answer, *readers)

    admin = client_for(admin_user)
    url = reverse("admin:accounts_user_change", args=[agent.pk])
    form = _FormFields()
    form.feed(admin.get(url).content.decode())
    form.data.pop("is_staff", None)  # an unticked box sends nothing
    assert admin.post(url, form.data).status_code == 302
    agent.refresh_from_db()
    assert not agent.is_staff

    for page in _pages(staff_answer, *readers):
        assert STAFF_BADGE not in page


def test_an_agent_taken_out_of_the_agents_group_loses_the_badge_on_the_next_render(
    staff_answer, member, agent
):
    readers = [client_for(member), client_for(None)]
    _warm(staff_answer, *readers)

    Group.objects.get(name=roles.AGENTS).user_set.remove(agent)

    for page in _pages(staff_answer, *readers):
        assert STAFF_BADGE not in page


def test_a_role_taken_away_by_another_process_shows_on_this_processs_next_render(
    staff_answer, member, agent
):
    readers = [client_for(member), client_for(None)]
    _warm(staff_answer, *readers)

    # The other process changes the row (its signals run there) and forgets the roles
    # in the cache it shares with this one; this process keeps everything it holds.
    agent.groups.through.objects.filter(user=agent).delete()  # no m2m signal here
    _another_process_cache().delete(caching.roles_key(agent.pk))

    for page in _pages(staff_answer, *readers):
        assert STAFF_BADGE not in page


def test_a_moderator_revoked_by_another_process_is_refused_on_the_next_request(moderator):
    client = client_for(moderator)
    assert client.get("/mod/flags/").status_code == 200

    moderator.groups.through.objects.filter(user=moderator).delete()
    _another_process_cache().delete(caching.roles_key(moderator.pk))

    assert client.get("/mod/flags/").status_code in (302, 403)


def test_a_chrome_block_is_read_from_the_cache_other_processes_write(member):
    """A header written by another process is the one this process serves."""
    client = client_for(member)
    client.get("/search/")
    other = _another_process_cache()
    # view name, username, display name, is_moderator, is_staff, acts_as_agent, unread, refresh_bell
    key = caching.chrome_key(
        "header", ("forum:search", "member", "Mia Member", False, False, False, 0, "")
    )
    # The key is the one the header uses: replacing it through the other client shows.
    assert other.get(key) is not None
    other.set(key, "<p>written elsewhere</p>", 60)
    assert "written elsewhere" in client.get("/search/").content.decode()


# --- The deploy version covers every template and the code that renders them -----------


def test_the_deploy_version_covers_included_templates_tags_and_translations():
    root = Path(settings.BASE_DIR)
    files = {path.relative_to(root).as_posix() for path in caching.source_files(root)}

    for name in (
        "templates/includes/time.html",
        "templates/includes/author.html",
        "forum/templates/forum/_post.html",
        "forum/templates/forum/_post_static.html",
        "forum/fragments.py",
        "accounts/templatetags/site_chrome.py",
        "locale/zh_Hans/LC_MESSAGES/django.po",
    ):
        assert name in files
    assert not any(name.startswith(("tests/", ".venv/", "var/")) for name in files)


def test_changing_an_included_template_changes_the_fragment_keys(tmp_path):
    root = Path(settings.BASE_DIR)
    shutil.copytree(root / "templates", tmp_path / "templates")
    shutil.copytree(root / "forum" / "templates", tmp_path / "forum" / "templates")
    before = caching.compute_deploy_version(tmp_path)

    time = tmp_path / "templates" / "includes" / "time.html"
    time.write_text(time.read_text().replace("<time", "<time class='changed'"))
    after = caching.compute_deploy_version(tmp_path)

    assert before != after


@pytest.fixture
def template_override(tmp_path):
    """includes/time.html from a folder of our own, looked up before the project's."""
    folder = tmp_path / "override"
    (folder / "includes").mkdir(parents=True)
    time = folder / "includes" / "time.html"
    shutil.copy(Path(settings.BASE_DIR) / "templates" / "includes" / "time.html", time)
    templates = [{**settings.TEMPLATES[0], "DIRS": [folder, *settings.TEMPLATES[0]["DIRS"]]}]
    with override_settings(TEMPLATES=templates):
        caching.deploy_version.cache_clear()
        yield time
    caching.deploy_version.cache_clear()


def _deploy() -> None:
    """What a deploy does to a web process: it starts afresh (templates, deploy version)."""
    for loader in engines["django"].engine.template_loaders:
        loader.reset()
    caching.deploy_version.cache_clear()


def test_a_deployed_change_to_an_included_template_shows_in_cached_posts(
    template_override, staff_answer, member
):
    client = client_for(member)
    _warm(staff_answer, client)
    old_version = caching.deploy_version()

    template_override.write_text(
        template_override.read_text().replace("<time ", '<time data-deployed="2" ')
    )
    _deploy()

    assert caching.deploy_version() != old_version
    page = client.get(staff_answer.get_absolute_url()).content.decode()
    post = page.split('class="post card', 2)[2]  # the answer's article, from the cache
    assert 'data-deployed="2"' in post


def test_handoff_deploy_version_replaces_the_hash(monkeypatch):
    monkeypatch.setenv("HANDOFF_DEPLOY_VERSION", "abc123")
    caching.deploy_version.cache_clear()
    try:
        first = caching.deploy_version()
        monkeypatch.setenv("HANDOFF_DEPLOY_VERSION", "def456")
        caching.deploy_version.cache_clear()
        assert caching.deploy_version() != first
    finally:
        monkeypatch.delenv("HANDOFF_DEPLOY_VERSION")
        caching.deploy_version.cache_clear()


# --- Keys -------------------------------------------------------------------------------


def test_keys_differ_by_language_time_zone_and_value_but_not_by_set_order():
    from django.utils import timezone, translation

    key = caching.fragment_key("x", (1, frozenset({"Agents", "Moderators"})))
    assert key == caching.fragment_key("x", (1, frozenset({"Moderators", "Agents"})))
    assert key != caching.fragment_key("x", (2, frozenset({"Agents", "Moderators"})))
    with translation.override("zh-hans"):
        assert key != caching.fragment_key("x", (1, frozenset({"Agents", "Moderators"})))
    with timezone.override("Asia/Shanghai"):
        assert key != caching.fragment_key("x", (1, frozenset({"Agents", "Moderators"})))


def test_keys_follow_values_not_which_objects_hold_them():
    """Equal values give one key whether or not they are the same objects (a shared
    string pickles as a back-reference unless the memo is off), and values that print
    alike but differ (a naive and an aware time, 1 and True, "1" and 1) give others."""
    import datetime

    shared = "".join(["Sign", " in"])
    one, other = "".join(["Sign", " in"]), "".join(["Sign ", "in"])
    assert one is not other
    assert caching.fragment_key("x", (shared, shared)) == caching.fragment_key("x", (one, other))
    moment = datetime.datetime(2026, 12, 7, 12, 0)
    aware = moment.replace(tzinfo=datetime.UTC)
    assert caching.fragment_key("x", (moment,)) != caching.fragment_key("x", (aware,))
    assert caching.fragment_key("x", (1,)) != caching.fragment_key("x", (True,))
    assert caching.fragment_key("x", ("1",)) != caching.fragment_key("x", (1,))
    # Date-times go in as their ISO text: still never equal to that text, nor to a
    # moment a microsecond away.
    assert caching.fragment_key("x", (aware,)) != caching.fragment_key("x", (aware.isoformat(),))
    later = aware + datetime.timedelta(microseconds=1)
    assert caching.fragment_key("x", (aware,)) != caching.fragment_key("x", (later,))
    assert caching.fragment_key("x", (aware,)) == caching.fragment_key(
        "x", (datetime.datetime(2026, 12, 7, 12, 0, tzinfo=datetime.UTC),)
    )


def test_a_placeholder_written_by_a_member_is_not_the_one_filled_in():
    html = "__handoff:csrf__ __handoff:path__ " + caching.csrf_placeholder()
    filled = caching.fill_request_values(html, token="TOKEN", path="/here/")
    assert filled == "__handoff:csrf__ __handoff:path__ TOKEN"


# --- The one page that lists every cache -----------------------------------------------


def test_the_module_docstring_lists_every_cache():
    doc = caching.__doc__
    for cache_name, owner, key_helper, lifetime in (
        ("post fragment", "forum/fragments.py", "fragment_key", "FRAGMENT_TTL"),
        ("thread row", "forum/_thread_row.html", "fragment_key", "FRAGMENT_TTL"),
        ("staff queue row", "escalation/views/queue.py", "fragment_key", "QUEUE_ROW_TTL"),
        ("page chrome", "site_chrome.py", "chrome_key", "CHROME_TTL"),
        ("visitor page", "forum/pagecache.py", "visitor_page_key", "VISITOR_PAGE_CACHE_SECONDS"),
        ("member page", "forum/pagecache.py", "member_page_key", "MEMBER_PAGE_TTL"),
        ("role names", "accounts/roles.py", "roles_key", "ROLES_TTL"),
        ("domain rules", "safety/selectors.py", "DOMAIN_RULES_KEY", "DOMAIN_RULES_TTL"),
        (
            "related questions",
            "help/selectors.py",
            "related_questions_key",
            "RELATED_QUESTIONS_TTL",
        ),
        ("typical waits", "analytics/status.py", "typical_waits_key", "TYPICAL_WAITS_TTL"),
    ):
        row = next(line for line in doc.splitlines() if line.startswith(f"| {cache_name} |"))
        assert owner in row
        assert key_helper in row
        assert lifetime in row
    for state in ("config/ratelimit.py", "forum/viewcounts.py"):
        assert state in doc


def test_only_the_modules_in_the_table_use_the_cache():
    """A new cache must be added to config/caching.py's table (and this list)."""
    root = Path(settings.BASE_DIR)
    users = set()
    for app in (
        "accounts",
        "forum",
        "escalation",
        "notifications",
        "safety",
        "help",
        "analytics",
        "config",
    ):
        for path in (root / app).rglob("*.py"):
            if "django.core.cache import" in path.read_text():
                users.add(path.relative_to(root).as_posix())
    assert users == {
        "accounts/roles.py",
        "accounts/templatetags/site_chrome.py",
        "config/caching.py",
        "safety/selectors.py",
        "forum/pagecache.py",
        "forum/viewcounts.py",
        "help/selectors.py",
        "analytics/status.py",
    }


def test_a_warm_thread_page_fetches_all_its_chrome_in_one_round_trip(
    staff_answer, member, monkeypatch
):
    """Five blocks (header, thread meta, safety banner, reply form, thread facts), one get_many."""
    from django.core.cache import cache

    client = client_for(member)
    _warm(staff_answer, client)  # renders and stores every block
    calls, reading_many = [], []
    for name in ("get", "get_many"):
        real = getattr(cache, name)

        def spy(key, *args, _real=real, _name=name, **kwargs):
            chrome = [k for k in ([key] if isinstance(key, str) else key) if ":chrome:" in k]
            if chrome and not reading_many:
                calls.append((_name, len(chrome)))
            reading_many.append(_name == "get_many")  # the file cache's get_many calls get
            try:
                return _real(key, *args, **kwargs)
            finally:
                reading_many.pop()

        monkeypatch.setattr(cache, name, spy)

    page = client.get(staff_answer.get_absolute_url()).content.decode()

    assert calls == [("get_many", 5)]
    assert STAFF_BADGE in page


def _spy_on_chrome_reads(monkeypatch) -> list:
    from django.core.cache import cache

    calls, reading_many = [], []
    for name in ("get", "get_many"):
        real = getattr(cache, name)

        def spy(key, *args, _real=real, _name=name, **kwargs):
            chrome = [k for k in ([key] if isinstance(key, str) else key) if ":chrome:" in k]
            if chrome and not reading_many:
                calls.append((_name, len(chrome)))
            reading_many.append(_name == "get_many")  # the file cache's get_many calls get
            try:
                return _real(key, *args, **kwargs)
            finally:
                reading_many.pop()

        monkeypatch.setattr(cache, name, spy)
    return calls


def test_an_htmx_update_of_a_thread_fetches_its_chrome_in_one_round_trip(
    staff_answer, member, monkeypatch
):
    """The update's regions (thread state, reply form, thread facts) come in one get_many,
    and the state they show is in their keys: the answer's new state is never a stale copy."""
    client = client_for(member)
    answer = staff_answer.posts.get(number=2)
    htmx = {"HTTP_HX_REQUEST": "true"}
    for _ in range(2):  # both states rendered and cached once
        client.post(f"/p/{answer.pk}/accept/", {"page": "1"}, **htmx)
        client.post(f"/thread/{staff_answer.pk}/unaccept/", {"page": "1"}, **htmx)
    calls = _spy_on_chrome_reads(monkeypatch)

    text = client.post(f"/p/{answer.pk}/accept/", {"page": "1"}, **htmx).content.decode()

    assert calls == [("get_many", 3)]
    assert "✓ Solved</span>" in text.split('id="thread-state"', 1)[1].split('id="reply-count"')[0]


def test_a_network_renamed_in_the_admin_shows_in_the_cached_question(member):
    from forum.models import Chain

    chain = Chain.objects.create(name="TRON (TRC20)", tx_format="tron")
    thread = ThreadFactory(author=member, chain=chain, title="USDT on TRON stays pending")
    client = client_for(member)
    assert "TRON (TRC20)" in client.get(thread.get_absolute_url()).content.decode()

    Chain.objects.filter(pk=chain.pk).update(name="Tron network")

    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Tron network" in page
    assert "TRON (TRC20)" not in page
