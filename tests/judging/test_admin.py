"""Pairwise comparisons and offers in the admin: staff read them, nobody edits them there."""

import pytest
from django.urls import reverse

from sprintlab.judging.models import Comparison, PairOffer
from tests.helpers import count_queries
from tests.judging.factories import JudgingSprintFactory, SubmissionFactory, make_judge

pytestmark = pytest.mark.django_db


def compare_once(sprint):
    left, right = SubmissionFactory(sprint=sprint), SubmissionFactory(sprint=sprint)
    judge = make_judge(sprint)
    PairOffer.objects.create(sprint=sprint, judge=judge, left=left, right=right)
    return Comparison.objects.create(sprint=sprint, judge=judge, left=left, right=right, winner=right)


@pytest.mark.parametrize("model", [Comparison, PairOffer])
def test_staff_read_comparisons_and_offers_without_a_query_per_row(admin_client, model):
    sprint = JudgingSprintFactory()
    compare_once(sprint)
    name = model._meta.model_name
    changelist = reverse(f"admin:judging_{name}_changelist")
    first = count_queries(admin_client, changelist)
    compare_once(sprint)
    assert count_queries(admin_client, changelist) == first
    page = admin_client.get(reverse(f"admin:judging_{name}_change", args=[model.objects.first().pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client.get(reverse(f"admin:judging_{name}_add")).status_code == 403
