"""Settings for the benchmarks only (bench/burst.py, bench/respondent_page.py).

The product settings plus the bench URLs (the bare-template baseline view). Limits are
raised through the environment by the scripts (all simulated respondents share one
address), the middleware itself stays on so that its cost is measured.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
