import pytest
from django.core.exceptions import ValidationError

from sprintlab.accounts.validators import MAX_TAGS, normalise_orcid, orcid_checksum_ok, parse_tag_names


@pytest.mark.parametrize("value", ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X"])
def test_valid_orcid_ids_pass_the_checksum(value):
    assert normalise_orcid(value) == value
    assert orcid_checksum_ok(value.replace("-", ""))


@pytest.mark.parametrize(
    "value", ["https://orcid.org/0000-0002-1825-0097", "orcid.org/0000-0002-1825-0097/", " 0000-0002-1825-0097 "]
)
def test_orcid_links_are_reduced_to_the_bare_id(value):
    assert normalise_orcid(value) == "0000-0002-1825-0097"


def test_lowercase_x_check_digit_is_accepted():
    assert normalise_orcid("0000-0002-1694-233x") == "0000-0002-1694-233X"


@pytest.mark.parametrize(
    "value", ["0000-0002-1825", "0000000218250097", "abcd-0002-1825-0097", "<script>", "' OR 1=1 --"]
)
def test_malformed_orcid_is_refused_with_the_expected_format(value):
    with pytest.raises(ValidationError) as error:
        normalise_orcid(value)
    assert error.value.code == "orcid_format"


def test_orcid_with_a_typo_fails_the_checksum():
    with pytest.raises(ValidationError) as error:
        normalise_orcid("0000-0002-1825-0098")
    assert error.value.code == "orcid_checksum"


def test_tags_are_trimmed_and_deduplicated_ignoring_case_in_order():
    assert parse_tag_names("  Interpretability , evals,, interpretability,  multi   agent ") == [
        "Interpretability",
        "evals",
        "multi agent",
    ]


def test_empty_tag_input_gives_no_tags():
    assert parse_tag_names("") == []
    assert parse_tag_names(None) == []
    assert parse_tag_names(" , ,") == []


def test_too_many_tags_are_refused():
    with pytest.raises(ValidationError) as error:
        parse_tag_names(",".join(f"tag {i}" for i in range(MAX_TAGS + 1)))
    assert "at most 20" in " ".join(error.value.messages)


def test_a_too_long_tag_is_named_in_the_error():
    with pytest.raises(ValidationError) as error:
        parse_tag_names("ok, " + "x" * 61)
    assert "too long" in error.value.messages[0]


def test_duplicates_do_not_count_towards_the_limit():
    assert len(parse_tag_names(",".join(["same"] * 50 + ["Same"]))) == 1
