"""Static files with DEBUG off: hashed names from collectstatic's manifest, never a 500 without it.

Production serves each file under a name with its hash (css/site.3f2a….css), cached for a
year, from the manifest that `collectstatic` writes to STATIC_ROOT. Without that step
Django's manifest storage raises on the first `{% static %}` of every page, so the whole
site was a 500 and nothing said why. Here a missing entry falls back to the plain name,
which whitenoise serves from the source folders (WHITENOISE_USE_FINDERS) with a short
cache life; the log names the file, and `manage.py check --deploy` fails (handoff.E001)
until collectstatic has run.
"""

import logging

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core import checks
from django.core.files.storage import storages
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)

COLLECTSTATIC = "python manage.py collectstatic --noinput"


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's compressed, hashed storage; a file it has no hashed copy of keeps its name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only so that each missing file is logged once per process, not on every page.
        self._logged_unhashed: set[str] = set()

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:
            if name not in self._logged_unhashed and finders.find(name) is None:
                # No file of ours by that name: whitenoise asks after names it makes up
                # (is `x.min.js` the hashed copy of `x.js`?) and takes the error for "no".
                raise
            if name not in self._logged_unhashed:
                self._logged_unhashed.add(name)
                logger.warning(
                    "Static file %s has no hashed copy in STATIC_ROOT (%s): serving it from "
                    "the source folders. Run `%s` as part of every deploy.",
                    name,
                    self.location,
                    COLLECTSTATIC,
                )
            return name


@checks.register(checks.Tags.staticfiles, deploy=True)
def check_static_manifest(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A hashed storage needs collectstatic's manifest; say so before the site goes live.

    A deploy check (`check --deploy`), so that `migrate` may run before `collectstatic`.
    """
    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin) or storage.read_manifest() is not None:
        return []
    return [
        checks.Error(
            f"No static files manifest ({storage.manifest_name}) in STATIC_ROOT "
            f"({storage.location}): pages would link unhashed files, served without "
            "long-lived caching.",
            hint=f"Run `{COLLECTSTATIC}` before starting the web processes.",
            id="handoff.E001",
        )
    ]
