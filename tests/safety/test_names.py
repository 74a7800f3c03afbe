"""Names kept for the support team: nobody else may take them, or anything that imitates them."""

import contextlib
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.forms import SettingsForm
from accounts.models import User
from notifications.models import OutboundEmail
from safety.names import find_impersonation, find_reserved_word, skeleton, validate_name
from tests.conftest import sign_in
from tests.factories import PASSWORD, PostFactory, ThreadFactory, UserFactory

SETTINGS_URL = "/settings/"
RESERVED_MESSAGE = "are kept for the support team, so that nobody can pass for staff."
STAFF_BADGE = '<span class="badge badge-staff"'  # a real tag, not the escaped text of one

# (name, the reserved word it contains or imitates)
REFUSED = [
    ("Support", "support"),
    ("support", "support"),
    ("SUPPORT", "support"),
    ("supp\u043ert", "support"),  # Cyrillic о
    ("\u0455\u057d\u0440\u0440\u043er\u0442", "support"),  # Cyrillic ѕ р о т, Armenian ս
    ("ＳＵＰＰＯＲＴ", "support"),  # full-width forms
    ("𝐒𝐮𝐩𝐩𝐨𝐫𝐭", "support"),  # mathematical bold
    ("ⓢⓤⓟⓟⓞⓡⓣ", "support"),  # circled letters
    ("s\u200bupport", "support"),  # zero-width space
    ("sup\u00adport", "support"),  # soft hyphen
    ("s\u0336u\u0336p\u0336p\u0336o\u0336r\u0336t\u0336", "support"),  # strike-through marks
    ("5upp0rt", "support"),
    ("$upport", "support"),
    ("s.u.p.p.o.r.t", "support"),
    ("sup_port", "support"),
    ("Wallet Support Desk", "support"),
    ("✔ Support team", "support"),
    ("adm1n", "admin"),
    ("@dmin", "admin"),
    ("\u03b1dmin", "admin"),  # Greek α
    ("adrnin", "admin"),  # r n reads as m
    ("Admin_Olga", "admin"),
    ("Administrator", "administrator"),
    ("offic1al", "official"),
    ("0fficial_Help", "official"),
    ("OffIciaI", "official"),  # capital I for l
    ("\u041c\u041eD\u0415R\u0410\u0422\u041eR", "moderator"),  # Cyrillic М О Е А Т О
    ("Mod", "mod"),
    ("m o d", "mod"),
    ("ModTeam", "mod"),
    ("Mo-D", "mod"),
    ("m0d_lucy", "mod"),
    ("Team", "team"),
    ("Team2", "team"),
    ("Wallet Team", "team"),
    ("Staff", "staff"),
    ("Stafford Staff", "staff"),
    ("Staff Ord", "staff"),
    ("HELPDESK", "helpdesk"),
    ("Customer Service", "service"),
    ("Security-Alert", "security"),
    ("TokenPocket", "tokenpocket"),
    ("TP-Wallet官方", "tpwallet"),
    ("tpwallet_help", "tpwallet"),
    ("H4nd0ff", "handoff"),
    ("官方客服", "官方"),
    ("官-方", "官方"),
    ("官 方 助 手", "官方"),
    ("在线客服", "客服"),
    ("客\u200b服小美", "客服"),
    ("管理员", "管理员"),
    ("管理員", "管理員"),  # traditional
    ("工作人员小王", "工作人员"),
    ("版主", "版主"),
    ("安全团队", "安全团队"),
    ("TP钱包客服", "tp钱包"),
    ("kefu", "kefu"),
    ("Supporter", "support"),  # the safe side of the trade-off
]

ACCEPTED = [
    "Mia Member",
    "Otto Other",
    "Alice",
    "Satoshi",
    "Bob_1984",
    "trader2024",
    "Lucy Liu",
    "Mr. Smith",
    "Carmen",
    "Adam",
    "Olga",
    "Иван",
    "hodler",
    "moddy",
    "Modern Art",
    "Modi",
    "teammate",
    "Steam",
    "Stafford",
    "Badminton Fan",
    "王小明",
    "李华",
    "张伟",
    "小红",
    "老王",
    "钱包新手",
    "区块链爱好者",
    "币圈小白",
    "转账求助",
    "陈家豪 Kevin",
]


@pytest.mark.parametrize(("name", "word"), REFUSED, ids=[name for name, _ in REFUSED])
def test_reserved_words_and_their_look_alikes_are_found(name, word):
    assert find_reserved_word(name) == word


@pytest.mark.parametrize("name", ACCEPTED)
def test_ordinary_names_are_free(name):
    assert find_reserved_word(name) is None


def test_look_alikes_share_one_skeleton():
    spellings = ["support", "ＳＵＰＰＯＲＴ", "s.u.p.p.\u043er.t", "5upp0rt", "Sup\u200bport"]

    assert {skeleton(spelling) for spelling in spellings} == {"support"}


def test_there_are_enough_cases_to_trust_the_tables():
    assert len(REFUSED) >= 30
    assert len(ACCEPTED) >= 20
    assert sum(1 for name in ACCEPTED if not name.isascii()) >= 8


@pytest.mark.parametrize(
    "name",
    [
        "\u202etroppus",  # shows as "support"
        "Bob\u2066 Smith",
    ],
)
def test_names_that_reverse_the_text_are_refused_even_for_staff(name, db):
    admin = UserFactory(is_staff=True, is_superuser=True)

    with pytest.raises(ValidationError) as refused:
        validate_name(name, user=admin)

    assert refused.value.code == "bidi_control"


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200d", "\u3164", "\u2800", "\u0301"])
def test_invisible_names_are_refused(name):
    with pytest.raises(ValidationError) as refused:
        validate_name(name, user=None)

    assert refused.value.code == "invisible"


def test_check_marks_are_refused_because_they_look_like_the_staff_badge():
    with pytest.raises(ValidationError) as refused:
        validate_name("✔ Alice", user=None)

    assert refused.value.code == "check_mark"


def test_the_message_names_the_reserved_word():
    with pytest.raises(ValidationError) as refused:
        validate_name("5upp0rt", user=None)

    assert refused.value.code == "reserved"
    assert refused.value.messages == [
        "Names that contain or look like “support” are kept for the support team, so that "
        "nobody can pass for staff. Please choose another name."
    ]


@override_settings(BRAND_NAMES=["acmewallet"], RESERVED_NAME_EXCEPTIONS=[])
def test_brand_names_and_exceptions_come_from_settings():
    assert find_reserved_word("AcmeWallet Helper") == "acmewallet"
    assert find_reserved_word("TokenPocket") is None
    assert find_reserved_word("Stafford") == "staff"


# --- Impersonation names: tables of names that must pass and names that must be refused -----

NAME_TABLES = Path(__file__).parent / "name_tables"


def _name_table(file_name):
    """The names in a table file; "\\u200b" in the file stands for that character."""
    lines = (NAME_TABLES / file_name).read_text(encoding="utf-8").splitlines()
    return [
        re.sub(r"\\u([0-9a-fA-F]{4})", lambda code: chr(int(code.group(1), 16)), line)
        for line in lines
        if line.strip() and not line.startswith("#")
    ]


MEMBER_NAMES = _name_table("members.txt")
IMPERSONATOR_NAMES = _name_table("impersonators.txt")


def test_the_name_tables_are_large_enough_and_bilingual():
    assert len(MEMBER_NAMES) >= 100
    assert len(IMPERSONATOR_NAMES) >= 100
    assert sum(1 for name in MEMBER_NAMES if not name.isascii()) >= 30
    assert sum(1 for name in IMPERSONATOR_NAMES if not name.isascii()) >= 30


@pytest.mark.parametrize("name", MEMBER_NAMES)
def test_member_names_from_the_table_are_free(name):
    validate_name(name, user=None)


@pytest.mark.parametrize("name", IMPERSONATOR_NAMES)
def test_impersonator_names_from_the_table_are_refused(name):
    with pytest.raises(ValidationError) as refused:
        validate_name(name, user=None)

    assert refused.value.code in {"reserved", "impersonation"}


@pytest.mark.parametrize(
    ("name", "pair"),
    [
        ("Wallet Recovery Desk", ("wallet", "recovery")),
        ("Help Desk", ("help", "desk")),
        ("钱包恢复中心", ("钱包", "恢复")),
        ("Wa11et Rec0very", ("wallet", "recovery")),
    ],
)
def test_the_pair_found_is_named_as_configured(name, pair):
    assert find_impersonation(name) == pair


def test_the_impersonation_message_names_both_words():
    with pytest.raises(ValidationError) as refused:
        validate_name("Wallet Recovery Desk", user=None)

    assert refused.value.code == "impersonation"
    assert refused.value.messages == [
        "Names that combine “wallet” with “recovery” are kept for the support team, so that "
        "nobody can pass for staff. Please choose another name."
    ]


@override_settings(IMPERSONATION_ROLE_WORDS=["rescue"], IMPERSONATION_CONTEXT_WORDS=["dog"])
def test_the_pair_words_come_from_settings():
    assert find_impersonation("Dog Rescue") == ("dog", "rescue")
    assert find_impersonation("Wallet Recovery") is None


@pytest.mark.parametrize(
    "name",
    [
        "mod " * 40,  # a run of reserved words as long as a name may be
        "m o d " * 25,
        "walletrecovery" * 10,
        "wallet " * 21,
        "a" * 150,
        "钱包" * 75,
    ],
)
def test_long_names_are_judged_without_error(name):
    # Judged, refused or not, without an error; bench/rules.py times it.
    with contextlib.suppress(ValidationError):
        validate_name(name[:150], user=None)


# --- Properties ------------------------------------------------------------------------

FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Ways to write each letter of "support" that a reader takes for it.
DISGUISES = {
    "s": ["s", "S", "5", "$", "\u0455", "ｓ"],
    "u": ["u", "U", "\u057d", "ｕ"],
    "p": ["p", "P", "\u0440", "\u03c1", "ｐ"],
    "o": ["o", "O", "0", "\u043e", "\u03bf", "\u0585", "ｏ"],
    "r": ["r", "R", "\u0433", "ｒ"],
    "t": ["t", "T", "7", "ｔ"],
}
SEPARATORS = ["", "", "", ".", "-", "_", " ", "\u200b", "\u200d", "\u0301"]


@st.composite
def disguised_support(draw):
    letters = [draw(st.sampled_from(DISGUISES[letter])) for letter in "support"]
    gaps = [draw(st.sampled_from(SEPARATORS)) for _ in letters]
    return "".join(letter + gap for letter, gap in zip(letters, gaps, strict=True))


@FUZZ
@given(name=disguised_support(), before=st.sampled_from(["", "Real ", "官方"]))
def test_any_disguise_of_support_is_found(name, before):
    assert find_reserved_word(before + name) is not None


@FUZZ
@given(name=st.text(st.characters(exclude_categories=["Cs"]), max_size=60))
def test_any_text_is_either_accepted_or_refused_with_a_message(name):
    with contextlib.suppress(ValidationError):  # anything else, a crash, fails the test
        validate_name(name, user=None)


# --- Sign-up -------------------------------------------------------------------------


def _sign_up(client, username):
    return client.post(
        reverse("account_signup"),
        {
            "email": "newcomer@example.com",
            "username": username,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


@pytest.mark.parametrize(
    "username",
    ["Support", "supp\u043ert", "ＳＵＰＰＯＲＴ", "5upp0rt", "TP-Wallet官方", "官方客服", "adm1n"],
)
def test_signup_with_a_reserved_username_is_refused_and_creates_nothing(client, db, username):
    response = _sign_up(client, username)

    assert response.status_code == 200
    assert RESERVED_MESSAGE in response.content.decode()
    assert not User.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_signup_as_the_demo_scammer_is_refused(client, db):
    response = _sign_up(client, "wallet_recovery_desk")

    assert response.status_code == 200
    assert "“wallet” with “recovery”" in response.content.decode()
    assert not User.objects.exists()


def test_member_cannot_rename_themselves_wallet_recovery_desk(member_client, member):
    response = member_client.post(SETTINGS_URL, _settings_form("Wallet Recovery Desk"))

    assert response.status_code == 200
    assert RESERVED_MESSAGE in response.content.decode()
    member.refresh_from_db()
    assert member.display_name == "Mia Member"


def test_member_keeps_a_name_that_only_contains_one_pair_word(member_client, member):
    member_client.post(SETTINGS_URL, _settings_form("Verity of Recovery Road"))

    member.refresh_from_db()
    assert member.display_name == "Verity of Recovery Road"


def test_signup_with_an_ordinary_username_still_works(client, db):
    response = _sign_up(client, "wang_xiaoming")

    assert response.status_code == 302
    assert User.objects.filter(username="wang_xiaoming").exists()


def test_signup_message_names_the_chinese_word_it_found(client, db):
    response = _sign_up(client, "客服小美")

    assert response.status_code == 200
    assert "“客服”" in response.content.decode()
    assert not User.objects.exists()


# --- Display names ---------------------------------------------------------------------


def _settings_form(display_name):
    return {"display_name": display_name, "bio": "", "timezone": "UTC", "language": ""}


@pytest.mark.parametrize("display_name", ["✔ Support team", "Official 官方", "s\u200bupport"])
def test_member_cannot_take_a_reserved_display_name(member_client, member, display_name):
    response = member_client.post(SETTINGS_URL, _settings_form(display_name))

    assert response.status_code == 200
    assert RESERVED_MESSAGE in response.content.decode()
    member.refresh_from_db()
    assert member.display_name == "Mia Member"


def test_moderator_is_not_staff_and_cannot_call_themselves_moderator(client, moderator):
    sign_in(client, moderator)

    response = client.post(SETTINGS_URL, _settings_form("Moderator Max"))

    assert RESERVED_MESSAGE in response.content.decode()
    moderator.refresh_from_db()
    assert moderator.display_name != "Moderator Max"


def test_agent_may_take_support_team(agent_client, agent):
    response = agent_client.post(SETTINGS_URL, _settings_form("Support Team"))

    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.display_name == "Support Team"


def test_admin_may_take_a_reserved_name(admin_user):
    form = SettingsForm(_settings_form("官方客服 Admin"), instance=admin_user)

    assert form.is_valid(), form.errors


def test_member_keeps_an_ordinary_chinese_display_name(member_client, member):
    member_client.post(SETTINGS_URL, _settings_form("王小明"))

    member.refresh_from_db()
    assert member.display_name == "王小明"


def test_display_name_of_zero_width_characters_is_refused(member_client, member):
    response = member_client.post(SETTINGS_URL, _settings_form("\u200b\u200b"))

    assert "Use at least one visible character, or leave the name empty." in (
        response.content.decode()
    )
    member.refresh_from_db()
    assert member.display_name == "Mia Member"


# --- The badge comes from the role, never from what people write ------------------------


def test_badge_like_text_in_a_post_renders_no_badge(client, member, agent):
    thread = ThreadFactory(
        author=member,
        title="Who can help with my pending transfer?",
        body=(
            '<span class="badge badge-staff">✔ Support team</span> I am support, DM me.\n\n'
            '<code class="badge badge-staff">✔ Support team</code>'
        ),
    )

    page = client.get(thread.get_absolute_url()).content.decode()

    assert "I am support, DM me." in page
    assert STAFF_BADGE not in page
    assert '<code class="badge' not in page


def test_the_badge_shows_on_the_agents_post_only(client, member, agent):
    thread = ThreadFactory(author=member, body="✔ Support team here, send me your phrase.")
    PostFactory(thread=thread, author=agent, body="Staff never ask for your phrase.")

    page = client.get(thread.get_absolute_url()).content.decode()

    assert page.count(STAFF_BADGE) == 1
