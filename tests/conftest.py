"""Runs the suite against the fork, or with --stock against stock google-adk.

Against stock, every test marked `needs_fix` is a strict xfail: it must fail,
which shows the suite can see the defect. Every other test checks behaviour
the fix keeps, and must pass on both.
"""

from importlib.metadata import version

from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import settings
import pytest

# Each example is a live session of up to a couple of seconds.
settings.register_profile(
    'live',
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    'soak', parent=settings.get_profile('live'), max_examples=5000
)
# On stock the first failure is the proof; shrinking it would take minutes.
settings.register_profile(
    'stock',
    parent=settings.get_profile('live'),
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
settings.load_profile('live')


def pytest_addoption(parser):
  parser.addoption(
      '--stock',
      action='store_true',
      help='the installed google-adk is stock: tests of the fix must fail',
  )
  parser.addoption(
      '--backend',
      action='append',
      choices=['gemini_api', 'vertex_ai'],
      help=(
          'the live service the end-to-end tests reach google-genai through;'
          ' repeat for both, which is the default'
      ),
  )


def pytest_configure(config):
  config.addinivalue_line(
      'markers', 'needs_fix: fails on stock google-adk, passes on the fork'
  )
  config.addinivalue_line(
      'markers', 'stock_passes: passes on stock of this release and on the fork'
  )
  config.addinivalue_line(
      'markers', 'skip_on_stock: runs on the fork only (see tests/marks.py)'
  )
  installed = version('google-adk')
  is_fork = '+livefix.' in installed
  if config.getoption('--stock'):
    settings.load_profile('stock')
  if config.getoption('--stock') == is_fork:
    raise pytest.UsageError(
        f'google-adk {installed} is installed, which is'
        f' {"" if is_fork else "not "}the fork: run with'
        f' {"no --stock" if is_fork else "--stock"}, or install the other.'
    )


def pytest_collection_modifyitems(config, items):
  if not config.getoption('--stock'):
    return
  for item in items:
    if item.get_closest_marker('skip_on_stock'):
      item.add_marker(pytest.mark.skip(reason='left to chance on stock'))
    if item.get_closest_marker('needs_fix'):
      item.add_marker(
          pytest.mark.xfail(
              reason='the defect in stock google-adk', strict=True
          )
      )
