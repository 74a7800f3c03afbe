"""Admin change lists that refuse an impossible date instead of crashing.

The admin's date hierarchy builds datetime(year, month, day) from the query string and
turns only ValueError into "incorrect lookup parameters": ?changed_at__year=99999999999
raises OverflowError, a 500. Admins with a date_hierarchy use this mixin.
"""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class BoundedChangeList(ChangeList):
    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


class BoundedDateHierarchy:
    """A ModelAdmin mixin: the change list answers an impossible date as a bad filter."""

    def get_changelist(self, request, **kwargs):
        return BoundedChangeList
