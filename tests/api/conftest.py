from tests.helpers import fresh_rate_limits  # noqa: F401  (autouse: a clean cache for every test here)
