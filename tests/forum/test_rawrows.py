"""Hand-written reads give the same instances the ORM gives, on SQLite and PostgreSQL.

config.rawrows converts each column with the backend's and the field's own converters, as
the ORM's compiler does, so a field of any type needs no change there. These tests hold
it to that for every field type the installed models use, on whichever database the
suite runs (CI runs it on both).
"""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection, models
from django.test.utils import isolate_apps
from django.utils import timezone

from config import rawrows
from escalation.models import BusinessCalendar, EscalationPolicy, Holiday, OpeningHours
from forum import access, selectors
from forum.models import Chain, Thread
from forum.services import moderation as forum_moderation
from tests.factories import PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def _fields(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
    }


def _typed(values: dict) -> dict:
    return {name: (type(value), value) for name, value in values.items()}


def test_load_thread_matches_the_orm_field_for_field(member, category):
    chain = Chain.objects.create(name="TRON test", tx_format="tron")
    thread = ThreadFactory(author=member, category=category, chain=chain, app_version="4.2.0")

    loaded = access.load_thread(thread.pk)
    expected = Thread.objects.select_related("category", "author", "chain").get(pk=thread.pk)

    assert _typed(_fields(loaded)) == _typed(_fields(expected))
    assert _typed(_fields(loaded.category)) == _typed(_fields(expected.category))
    assert _typed(_fields(loaded.chain)) == _typed(_fields(expected.chain))
    assert loaded.author.username == member.username
    assert loaded.created_at.tzinfo is not None
    assert loaded.created_at <= timezone.now()


def test_load_thread_leaves_the_author_fields_it_does_not_read_deferred(thread):
    author = access.load_thread(thread.pk).author

    assert "bio" in author.get_deferred_fields()
    assert set(access.AUTHOR_FIELDS).isdisjoint(author.get_deferred_fields())
    assert author._state.adding is False
    assert author._state.db == "default"


def test_load_thread_without_a_chain_leaves_it_empty(thread):
    assert access.load_thread(thread.pk).chain is None


@pytest.mark.parametrize("thread_id", ["abc", "", None, 10**30, -(10**30), "1.5", 0, 999999])
def test_load_thread_answers_none_for_what_is_not_a_thread(thread_id):
    assert access.load_thread(thread_id) is None


def test_page_posts_hide_hidden_posts_from_members_only(thread, other_member, moderator):
    hidden = PostFactory(thread=thread, author=other_member)
    forum_moderation.set_post_hidden(actor=moderator, post=hidden, is_hidden=True, reason="spam")
    shown = PostFactory(thread=thread, author=other_member)

    for_members = selectors._page_posts(thread=thread, first=1, last=20, include_hidden=False)
    for_moderators = selectors._page_posts(thread=thread, first=1, last=20, include_hidden=True)

    assert [post.pk for post in for_members] == [thread.posts.get(number=1).pk, shown.pk]
    assert [post.pk for post in for_moderators] == [
        thread.posts.get(number=1).pk,
        hidden.pk,
        shown.pk,
    ]
    assert all(post.author.username for post in for_moderators)
    assert for_moderators[1].is_hidden is True
    assert for_members[0].is_hidden is False


def test_page_posts_match_the_orm_field_for_field(thread, other_member, moderator):
    reply = PostFactory(thread=thread, author=other_member)
    forum_moderation.set_post_hidden(actor=moderator, post=reply, is_hidden=True, reason="spam")

    loaded = selectors._page_posts(thread=thread, first=1, last=20, include_hidden=True)
    expected = list(
        thread.posts.select_related("author")
        .only(*selectors.POST_LIST_FIELDS, *(f"author__{name}" for name in access.AUTHOR_FIELDS))
        .order_by("number")
    )

    def shown(post):
        return {name: getattr(post, name) for name in ("id", *selectors.POST_LIST_FIELDS)}

    assert [_typed(shown(post)) for post in loaded] == [_typed(shown(post)) for post in expected]
    assert [post.get_deferred_fields() for post in loaded] == [
        post.get_deferred_fields() for post in expected
    ]


def test_a_date_a_time_and_a_duration_come_back_as_python_values(category):
    """Types the old rawrows passed through raw: SQLite hands them back as text and ints."""
    calendar = BusinessCalendar.objects.create(name="Shanghai office")
    Holiday.objects.create(calendar=calendar, date=date(2026, 10, 1), name="National Day")
    OpeningHours.objects.create(
        calendar=calendar, weekday=0, opens_at=time(9, 30), closes_at=time(18, 0)
    )
    EscalationPolicy.objects.create(
        category=category,
        needs_help_after=timedelta(hours=6),
        escalate_after=timedelta(days=1, microseconds=5),
        calendar=calendar,
    )
    holiday, hours, policy = (
        rawrows.Columns.of(Holiday, "h"),
        rawrows.Columns.of(OpeningHours, "o"),
        rawrows.Columns.of(EscalationPolicy, "e"),
    )

    [(read_holiday, read_hours, read_policy)] = rawrows.read(
        f"SELECT {holiday.sql}, {hours.sql}, {policy.sql} "
        f"FROM {holiday.table}, {hours.table}, {policy.table}",
        [],
        holiday,
        hours,
        policy,
    )

    assert read_holiday.date == date(2026, 10, 1)
    assert type(read_holiday.date) is date
    assert read_hours.opens_at == time(9, 30)
    assert type(read_hours.opens_at) is time
    assert read_policy.escalate_after == timedelta(days=1, microseconds=5)
    assert type(read_policy.needs_help_after) is timedelta
    assert read_policy.escalate_unsolved_after is None
    assert _typed(_fields(read_policy)) == _typed(_fields(EscalationPolicy.objects.get()))


# One value a field type can hold, by the type's name: what the round trip writes.
SAMPLES = {
    "CharField": "wallet 钱包 ✔",
    "SlugField": "usdt-tron",
    "EmailField": "asker@example.com",
    "TextField": "First line\nsecond line 第二行 ✔",
    "IntegerField": -123_456,
    "SmallIntegerField": -7,
    "BigIntegerField": 2**40,
    "PositiveIntegerField": 123_456,
    "PositiveSmallIntegerField": 7,
    "PositiveBigIntegerField": 2**40,
    "FloatField": 0.1,
    "DecimalField": Decimal("12345.67"),
    "BooleanField": True,
    "DateTimeField": datetime(2026, 3, 4, 5, 6, 7, 891_011, tzinfo=UTC),
    "DateField": date(2026, 2, 28),
    "TimeField": time(13, 14, 15, 161_718),
    "DurationField": timedelta(days=3, seconds=5, microseconds=7),
    "JSONField": {"a": [1, "二", None, True], "b": {"c": 1.5}},
    "UUIDField": uuid.UUID("12345678-1234-5678-1234-567812345678"),
}
# Types none of today's models use but a new field is likely to: they get the same test.
LIKELY_NEXT = [
    models.DecimalField(max_digits=12, decimal_places=2),
    models.UUIDField(),
    models.FloatField(),
    models.BigIntegerField(),
]


def _field_types_in_use():
    """{(field class, null): an example field} over every concrete field of every model."""
    found = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            found.setdefault((type(field), field.null), field)
    for field in LIKELY_NEXT:
        for null in (False, True):
            found.setdefault((type(field), null), field)
    return found


def _specimen_models(new_apps):
    """Test-only models with one column per field type (and nullability) in use: one for
    each primary-key type, the first holding every other type, relations to itself."""
    in_use = _field_types_in_use()
    key_types = sorted({kind for kind, _ in in_use if issubclass(kind, models.AutoField)}, key=str)
    columns = {}
    for (kind, null), example in in_use.items():
        if issubclass(kind, models.AutoField):
            continue
        name = f"{kind.__name__.lower()}_{'null' if null else 'set'}"
        if example.is_relation:
            columns[name] = kind("self", on_delete=models.CASCADE, null=null, related_name="+")
            continue
        _, _, args, kwargs = example.deconstruct()
        for option in ("unique", "db_index", "primary_key", "choices", "validators", "default"):
            kwargs.pop(option, None)
        columns[name] = kind(*args, **{**kwargs, "null": null})
    specimens = []
    for number, key_type in enumerate(key_types):
        meta = type("Meta", (), {"app_label": "forum", "apps": new_apps})
        attributes = {"__module__": __name__, "Meta": meta, "id": key_type(primary_key=True)}
        if number == 0:
            attributes.update(columns)
        specimens.append(type(f"Specimen{number}", (models.Model,), attributes))
    return specimens


def _sample(field, *, null: bool, row: int):
    if field.null and null:
        return None
    if field.is_relation:
        return row  # each specimen row points at itself
    kind = type(field).__name__
    if kind not in SAMPLES:
        pytest.fail(f"No sample value for {kind}: add one to SAMPLES so it is round-tripped.")
    value = SAMPLES[kind]
    if kind == "BooleanField":
        return row == 1
    if kind == "CharField" or kind == "SlugField":
        return value[: field.max_length]
    if kind == "DecimalField":
        return value.quantize(Decimal(1).scaleb(-field.decimal_places))
    return value


@pytest.mark.django_db(transaction=True)  # SQLite alters schemas only outside transactions
def test_every_field_type_the_models_use_reads_back_as_the_orm_reads_it():
    with isolate_apps("forum") as new_apps:
        specimens = _specimen_models(new_apps)
        with connection.schema_editor() as editor:
            for specimen in specimens:
                editor.create_model(specimen)
        try:
            for specimen in specimens:
                fields = [f for f in specimen._meta.concrete_fields if not f.primary_key]
                written = []
                for row, null in ((1, False), (2, True)):
                    values = {f.attname: _sample(f, null=null, row=row) for f in fields}
                    instance = specimen.objects.create(id=row, **values)
                    written.append({"id": instance.pk, **values})
                columns = rawrows.Columns.of(specimen, "s")

                read = rawrows.read(
                    f"SELECT {columns.sql} FROM {columns.table} ORDER BY s.id", [], columns
                )

                by_orm = [_fields(instance) for instance in specimen.objects.order_by("pk")]
                by_rawrows = [_fields(instance) for (instance,) in read]
                assert [_typed(r) for r in by_rawrows] == [_typed(r) for r in by_orm]
                assert by_rawrows == written
        finally:
            with connection.schema_editor() as editor:
                for specimen in specimens:
                    editor.delete_model(specimen)


def test_the_round_trip_covers_the_types_rawrows_once_left_raw():
    kinds = {kind.__name__ for kind, _ in _field_types_in_use()}

    assert {"DateField", "TimeField", "DurationField", "DecimalField", "UUIDField"} <= kinds
    assert {"JSONField", "DateTimeField", "BooleanField", "ForeignKey"} <= kinds
