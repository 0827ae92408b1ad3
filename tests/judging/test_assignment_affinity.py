"""TF-IDF affinity, and the embedding hook falling back to it when no model can be loaded locally."""

import sys
import types

import numpy as np

from sprintlab.judging.assignment import affinity


def test_tfidf_matches_shared_vocabulary():
    matrix, method = affinity.affinity_matrix(
        ["Graph neural networks for protein folding", "Bayesian inference of climate models", ""],
        ["protein structure folding biology", "climate science, Bayesian statistics", "relational databases"],
        model_name="",
    )
    assert method == affinity.TFIDF
    assert matrix.shape == (3, 3)
    assert matrix[0].argmax() == 0 and matrix[1].argmax() == 1
    assert (matrix[2] == 0).all()  # an empty text matches nobody
    assert ((matrix >= 0) & (matrix <= 1)).all()


def test_odd_text_is_harmless():
    matrix, _ = affinity.affinity_matrix(["\x00 \ud800 ünïcode ünïcode " * 1000, "12345"], ["ünïcode"], model_name="")
    assert matrix[0, 0] > 0 and matrix[1, 0] == 0 and np.isfinite(matrix).all()


def test_the_setting_without_the_package_falls_back_to_tfidf(settings, monkeypatch):
    settings.JUDGING_EMBEDDING_MODEL = "some-model"
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import fails
    _, method = affinity.affinity_matrix(["a text"], ["a text"])
    assert method == affinity.TFIDF


def test_a_locally_available_model_is_used(settings, monkeypatch):
    class FakeModel:
        def __init__(self, name, local_files_only):
            assert local_files_only  # never downloads
            self.name = name

        def encode(self, texts):
            return [[1.0, 0.0] if "cat" in text else [0.0, 1.0] for text in texts]

    monkeypatch.setitem(sys.modules, "sentence_transformers", types.SimpleNamespace(SentenceTransformer=FakeModel))
    settings.JUDGING_EMBEDDING_MODEL = "packaged-model"
    matrix, method = affinity.affinity_matrix(["cat pictures", "dog food"], ["cat", "dog"])
    assert method == affinity.EMBEDDING
    assert matrix.tolist() == [[1.0, 0.0], [0.0, 1.0]]


def test_a_model_that_fails_to_load_falls_back(settings, monkeypatch):
    def refuse(name, local_files_only):
        raise OSError("not on disk")

    monkeypatch.setitem(sys.modules, "sentence_transformers", types.SimpleNamespace(SentenceTransformer=refuse))
    settings.JUDGING_EMBEDDING_MODEL = "missing"
    assert affinity.affinity_matrix(["x y"], ["x y"])[1] == affinity.TFIDF
