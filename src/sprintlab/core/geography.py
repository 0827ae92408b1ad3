"""World regions of countries, for grouping sites and counting where participants come from.

The grouping follows the World Bank's regions, merged where a finer split would leave the
organisers with near-empty groups (Europe with Central Asia's Caucasus kept in Asia, Sub-Saharan
Africa as "Africa"). Every ISO 3166-1 code that django-countries knows has a region; codes added
through ``COUNTRIES_OVERRIDE`` fall back to ``Region.OTHER``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    # Declared in the order pages list them.
    AFRICA = "africa", _("Africa")
    ASIA = "asia", _("Asia")
    EUROPE = "europe", _("Europe")
    LATIN_AMERICA = "latin_america", _("Latin America & Caribbean")
    MIDDLE_EAST = "middle_east", _("Middle East & North Africa")
    NORTH_AMERICA = "north_america", _("North America")
    OCEANIA = "oceania", _("Oceania")
    ANTARCTICA = "antarctica", _("Antarctica")
    OTHER = "other", _("Other")


_COUNTRIES_BY_REGION: dict[Region, str] = {
    Region.AFRICA: (
        "AO BF BI BJ BW CD CF CG CI CM CV ER ET GA GH GM GN GQ GW KE KM LR LS MG ML MR MU MW MZ NA NE "
        "NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TZ UG YT ZA ZM ZW"
    ),
    Region.ASIA: (
        "AF AM AZ BD BN BT CN GE HK ID IN IO JP KG KH KP KR KZ LA LK MM MN MO MV MY NP PH PK SG TH TJ TL TM TW UZ VN"
    ),
    Region.EUROPE: (
        "AD AL AT AX BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI LT "
        "LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM TR UA VA XK"
    ),
    Region.LATIN_AMERICA: (
        "AG AI AR AW BB BL BO BQ BR BS BZ CL CO CR CU CW DM DO EC FK GD GF GP GT GY HN HT JM KN KY LC "
        "MF MQ MS MX NI PA PE PR PY SR SV SX TC TT UY VC VE VG VI"
    ),
    Region.MIDDLE_EAST: "AE BH DJ DZ EG EH IL IQ IR JO KW LB LY MA OM PS QA SA SY TN YE",
    Region.NORTH_AMERICA: "BM CA GL PM US",
    Region.OCEANIA: "AS AU CC CK CX FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV UM VU WF WS",
    Region.ANTARCTICA: "AQ BV GS HM TF",
}

REGION_OF_COUNTRY: dict[str, Region] = {
    code: region for region, codes in _COUNTRIES_BY_REGION.items() for code in codes.split()
}

REGION_ORDER: dict[Region, int] = {region: index for index, region in enumerate(Region)}


def region_key_for(country_code: str) -> Region:
    """The region of an ISO 3166-1 alpha-2 code (any case); ``Region.OTHER`` when unknown."""
    return REGION_OF_COUNTRY.get((country_code or "").strip().upper(), Region.OTHER)


def region_for(country_code: str) -> str:
    """The translated name of the world region of ``country_code``, e.g. "Europe" for "GB"."""
    return str(region_key_for(country_code).label)


def countries_in_region(region: str) -> list[str]:
    """The ISO 3166-1 alpha-2 codes of a region (a ``Region`` value); none for an unknown one."""
    return [code for code, key in REGION_OF_COUNTRY.items() if key == region]
