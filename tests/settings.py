"""The settings the tests run with: config/settings.py, read in the environment a
developer's shell gives it.

pytest-django imports the settings before any conftest runs, so this is the one place
to say what the suite needs from the environment: a secret key (settings refuse to start
without one when DEBUG is off, as the tests run) and the developer commands
(`seed_scale`, HANDOFF_DEV_COMMANDS). A variable already set wins.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-not-for-any-deployment")
os.environ.setdefault("HANDOFF_DEV_COMMANDS", "1")

from config.settings import *  # noqa: F403
