from django.contrib import admin

from sprintlab.core.admin import ViewOnlyModelAdmin, local_time_column
from sprintlab.judging.models import Comparison, PairOffer


@admin.register(Comparison)
class ComparisonAdmin(ViewOnlyModelAdmin):
    """Pairwise answers; only ``comparisons.comparison_record`` writes them."""

    list_display = ("sprint", "judge__email", "left", "right", "winner", local_time_column("created_at", "compared"))
    list_filter = ("sprint",)
    list_select_related = ("sprint", "judge", "left", "right", "winner")
    search_fields = ("judge__email", "left__title", "right__title")


@admin.register(PairOffer)
class PairOfferAdmin(ViewOnlyModelAdmin):
    """The pair each judge is being asked about; only ``comparisons.pair_offer`` writes them."""

    list_display = ("sprint", "judge__email", "left", "right", local_time_column("offered_at", "offered"))
    list_filter = ("sprint",)
    list_select_related = ("sprint", "judge", "left", "right")
