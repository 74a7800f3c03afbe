"""Error reports never carry a recovery phrase or a private key.

Django's reporter (the debug page, the emails to ADMINS, and any error tracker built on
it) shows POST data and every frame's local variables. A post that fails halfway holds
its text in both, so any value whose text holds a secret is replaced, whichever view
raised. Set as DEFAULT_EXCEPTION_REPORTER_FILTER.
"""

from django.views.debug import SafeExceptionReporterFilter

from safety import guard

# Past this, a value is cut before it is searched (the reporter cuts it shorter still).
_SEARCHED_CHARS = 100_000


class SecretScrubbingReporterFilter(SafeExceptionReporterFilter):
    def get_post_parameters(self, request):
        parameters = super().get_post_parameters(request)
        if not parameters or not any(
            self._holds_secret(value) for _name, values in parameters.lists() for value in values
        ):
            return parameters
        scrubbed = parameters.copy()
        for name, values in scrubbed.lists():
            scrubbed.setlist(name, [self._scrub(value) for value in values])
        return scrubbed

    def get_traceback_frame_variables(self, request, tb_frame):
        variables = super().get_traceback_frame_variables(request, tb_frame)
        return [(name, self._scrub(value)) for name, value in variables]

    def _scrub(self, value):
        return self.cleansed_substitute if self._holds_secret(value) else value

    @staticmethod
    def _holds_secret(value) -> bool:
        try:
            text = value if isinstance(value, str) else repr(value)
        except Exception:  # a broken __repr__: the reporter says so itself
            return False
        return guard.has_secret(text[:_SEARCHED_CHARS])
