import pytest
from django_countries.data import COUNTRIES

from sprintlab.core.geography import _COUNTRIES_BY_REGION, REGION_OF_COUNTRY, Region, region_for, region_key_for


@pytest.mark.parametrize("code", sorted(COUNTRIES))
def test_every_known_country_has_a_region(code):
    assert region_key_for(code) != Region.OTHER


@pytest.mark.parametrize(
    ("code", "region"),
    [
        ("GB", "Europe"),
        ("us", "North America"),
        ("IN", "Asia"),
        ("VN", "Asia"),
        ("BR", "Latin America & Caribbean"),
        ("KE", "Africa"),
        ("EG", "Middle East & North Africa"),
        ("AU", "Oceania"),
        ("AQ", "Antarctica"),
    ],
)
def test_region_names(code, region):
    assert region_for(code) == region


def test_unknown_codes_fall_back_to_other():
    assert region_for("") == region_for("ZZ") == "Other"


def test_no_country_is_in_two_regions():
    codes = [code for region_codes in _COUNTRIES_BY_REGION.values() for code in region_codes.split()]
    assert len(codes) == len(set(codes)) == len(REGION_OF_COUNTRY)
