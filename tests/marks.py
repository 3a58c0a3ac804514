"""Marks that say where stock google-adk has the defect a test shows.

`needs_fix` makes a test a strict xfail on stock (see conftest.py); where a
release of stock has what the test asks for, the test must pass on it too.
These marks stay in this repository: `python -m livefix apply` drops them.
"""

from packaging.version import Version
import pytest

from tests.upstream_behaviour import FIXED_FOR_ONE_AGENT
from tests.upstream_behaviour import RELEASE


def needs_fix_if(stock_broken: bool) -> pytest.MarkDecorator:
  """`needs_fix` where stock has the defect the test shows; elsewhere the
  test must pass on stock too."""
  return pytest.mark.needs_fix if stock_broken else pytest.mark.stock_passes


def needs_fix_before(release: str) -> pytest.MarkDecorator:
  """`needs_fix` where stock is older than `release`, which fixed it."""
  return needs_fix_if(RELEASE < Version(release))


needs_fix_for_one_agent = needs_fix_if(not FIXED_FOR_ONE_AGENT)

# Runs on the fork only: on stock its outcome is left to chance.
skip_on_stock = pytest.mark.skip_on_stock
