"""Our tail probabilities against scipy.stats (the independent oracle)."""

import pytest
from scipy import stats

from shared.cases.stats import chi2_sf, kolmogorov_sf


@pytest.mark.parametrize("df", [1, 2, 3, 7, 30, 255])
@pytest.mark.parametrize("q", [0.5, 1.0, 1.5, 3.0, 6.0])
def test_chi2_sf_matches_scipy(df, q):
    x = q * df
    assert chi2_sf(x, df) == pytest.approx(stats.chi2.sf(x, df), rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("n", [50, 200, 1000, 20000])
@pytest.mark.parametrize("d_scaled", [0.5, 1.0, 1.5, 2.5])
def test_kolmogorov_sf_close_to_scipy_exact(n, d_scaled):
    d = d_scaled / n**0.5
    # Stephens' approximation is within a few percent of the exact distribution in the tail we use.
    assert kolmogorov_sf(d, n) == pytest.approx(stats.kstwo.sf(d, n), rel=0.05, abs=1e-4)


def test_edges():
    assert chi2_sf(0.0, 3) == 1.0 and kolmogorov_sf(0.0, 10) == 1.0
    with pytest.raises(ValueError):
        chi2_sf(1.0, 0)
