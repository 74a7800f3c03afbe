from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Developer commands (`seed_scale`) over the benchmark tooling in bench/.

    Not an app of the product: settings install it only when DEBUG is on or
    HANDOFF_DEV_COMMANDS=1, so a production deploy has no command that writes fake data.
    """

    name = "bench.devtools"
    label = "devtools"
    verbose_name = "Developer tools"
