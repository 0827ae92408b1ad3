"""Full-text search on PostgreSQL: the stored, GIN-indexed vector, kept by the publish service, ranks matches."""

import pytest
from django.db import connection

from sprintlab.library import selectors, services
from sprintlab.library.models import Publication
from tests.library.factories import ProjectFactory, make_organiser

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def publish(**kwargs):
    project = ProjectFactory(**kwargs)
    services.project_publish(actor=make_organiser(project.sprint), submission=project)
    return project


def found(query: str) -> list[str]:
    return list(selectors.library_projects(selectors.LibraryFilters(query=query)).values_list("title", flat=True))


def test_a_word_only_in_the_report_text_is_found_and_ranked(on_postgres):
    in_title = publish(title="Grokking modular arithmetic", abstract="A study.", report_text="Nothing here.")
    in_text = publish(title="Training dynamics", abstract="Loss curves.", report_text="We also saw grokking late.")
    publish(title="Unrelated", abstract="Chess.", report_text="Knights and bishops.")
    assert found("grokking") == [in_title.title, in_text.title]
    ranked = list(selectors.library_projects(selectors.LibraryFilters(query="grokking")))
    assert ranked[0].rank > ranked[1].rank > 0


def test_stemming_and_the_vector_follow_republication(on_postgres):
    project = publish(title="Probing", abstract="We ablate heads.", report_text="Ablations of attention heads.")
    assert found("ablation") == [project.title]
    project.report_text = "Now about steering vectors."
    project.abstract = "Steering."
    project.save()
    services.project_publish(actor=make_organiser(project.sprint), submission=project)
    assert found("ablation") == []
    assert found("steering") == [project.title]
    assert Publication.objects.get().search_vector is not None


def test_the_search_vector_has_a_gin_index(on_postgres):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'library_publication_search'")
        assert "gin" in cursor.fetchone()[0].lower()
