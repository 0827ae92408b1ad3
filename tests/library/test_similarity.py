"""TF-IDF cosine: the closest earlier project comes first, unrelated ones are left out, a cached index is refreshed."""

import pytest

from sprintlab.library import selectors, services
from sprintlab.library.similarity import Document, SimilarityIndex, most_similar
from tests.factories import PastSprintFactory
from tests.library.factories import ProjectFactory, make_organiser

CORPUS = [
    Document(1, "Refusal direction ablation in chat models"),
    Document(2, "Chess board state probes in transformers"),
    Document(3, "Refusal and jailbreaks: a direction in the residual stream"),
    Document(4, "Bird migration patterns"),
]


def test_ranks_by_shared_rare_words():
    matches = most_similar("The refusal direction of chat models", CORPUS, limit=5)
    assert [match.key for match in matches][:2] == [1, 3]
    assert 4 not in {match.key for match in matches}
    assert all(0 < match.percent <= 100 for match in matches)


def test_identical_text_is_100_percent_and_an_empty_query_matches_nothing():
    index = SimilarityIndex(CORPUS)
    assert index.most_similar("Bird migration patterns")[0].percent == 100
    assert index.most_similar("") == []
    assert most_similar("anything", []) == []


@pytest.mark.django_db
def test_the_cached_index_follows_new_publications():
    past = PastSprintFactory()
    organiser = make_organiser(past)
    project = ProjectFactory(title="Grokking in modular arithmetic", abstract="Grokking.", report_text="Grokking.")
    assert selectors.similar_earlier_projects(project) == []
    earlier = ProjectFactory(sprint=past, title="Grokking revisited", abstract="Delayed generalisation.")
    services.project_publish(actor=organiser, submission=earlier)
    [(publication, match)] = selectors.similar_earlier_projects(project)
    assert publication.submission_id == earlier.pk and match.percent > 0
