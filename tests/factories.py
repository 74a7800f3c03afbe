import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group

from accounts import powers, roles
from accounts.models import User
from forum.models import Category

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    display_name = factory.Faker("first_name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        """Verified by default: pass verified=False for someone who never clicked the link."""
        if create:
            is_verified = True if extracted is None else extracted
            EmailAddress.objects.create(
                user=user, email=user.email, verified=is_verified, primary=True
            )

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if not create or not extracted:
            return
        if extracted == roles.AGENTS:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(Group.objects.get(name=extracted))

    @factory.post_generation
    def second_factor(user, create, extracted, **kwargs):
        """Staff get two-factor set up and act as if their session verified it, unless
        second_factor=False (a staff password alone: no staff powers). A string is the
        TOTP secret to set up, for tests that type the codes."""
        wanted = (user.is_staff or user.groups.exists()) if extracted is None else extracted
        if create and wanted:
            TOTP.activate(user, extracted if isinstance(extracted, str) else generate_totp_secret())
            powers.mark_verified(user)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Category {n}")
    name_zh_hans = factory.Sequence(lambda n: f"分类 {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    description = "Questions about something."


class ThreadFactory(factory.django.DjangoModelFactory):
    """A question asked through forum.services.posting.create_thread, as a member asks it."""

    class Meta:
        model = "forum.Thread"

    category = factory.SubFactory(CategoryFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"USDT transfer number {n} stays pending")
    body = "I sent USDT on TRON an hour ago and the app still shows it as pending."

    @classmethod
    def _create(cls, model_class, **kwargs):
        from forum.services import posting as forum_posting

        return forum_posting.create_thread(**kwargs)


class PostFactory(factory.django.DjangoModelFactory):
    """A reply posted through forum.services.posting.create_post."""

    class Meta:
        model = "forum.Post"

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Reply {n}: look the hash up on the block explorer first.")

    @classmethod
    def _create(cls, model_class, **kwargs):
        from forum.services import posting as forum_posting

        return forum_posting.create_post(**kwargs)
