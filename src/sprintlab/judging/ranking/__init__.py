"""Judges' scores into a defensible ranking: pure functions, no models (docs/judging.md, "Ranking").

The pages and ``sprintlab rank`` call the same few entry points::

    ratings = ratings_from_scores(scores, criteria)      # Score rows → one total per judge × submission
    ranking = rank(ratings, "calibrated", replicates=200, top=3)   # places, intervals, warnings
    disagreements(ratings)                                # where judges disagree most
    next_reviews(ranking)                                 # where one more review helps most
    rank_pairwise(labels, comparisons), next_pairs(labels, comparisons, 10)   # pairwise mode
"""

from sprintlab.judging.ranking.disagreement import Disagreement, ReviewSuggestion, disagreements, next_reviews
from sprintlab.judging.ranking.methods import METHODS
from sprintlab.judging.ranking.pairwise import next_pairs, rank_pairwise
from sprintlab.judging.ranking.scores import Criterion, Ratings, Score, ScoreError, ratings_from_scores
from sprintlab.judging.ranking.uncertainty import Contest, RankedSubmission, Ranking, rank

__all__ = [
    "METHODS",
    "Contest",
    "Criterion",
    "Disagreement",
    "RankedSubmission",
    "Ranking",
    "Ratings",
    "ReviewSuggestion",
    "Score",
    "ScoreError",
    "disagreements",
    "next_pairs",
    "next_reviews",
    "rank",
    "rank_pairwise",
    "ratings_from_scores",
]
