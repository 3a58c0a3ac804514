"""The way back to stock that docs/install.md gives, with pip and uv.

Over the fork, `google-adk==X` keeps it: its `X+livefix.N` satisfies the pin.
`google-adk===X` asks for the release without a label and installs stock X,
with pip even while the fork's wheel index is configured.
"""

import sys

from livefix import releases

from .helpers import installed
from .helpers import run

RELEASE = '1.36.1'  # The served index's release.
UV = (sys.executable, '-m', 'uv')


def test_triple_equals_goes_back_to_stock(served_index, new_venv):
  python = new_venv('app')
  pip = (python, '-m', 'pip', 'install', '--quiet')
  uv = (*UV, 'pip', 'install', '--quiet', '--python', python)
  with_index = ('--extra-index-url', served_index)
  fork = releases.fork_version(RELEASE)
  run(*pip, *with_index, f'google-adk=={RELEASE}')
  assert installed(python) == fork

  run(
      *pip,
      *with_index,
      '--force-reinstall',
      '--no-deps',
      f'google-adk=={RELEASE}',
  )
  assert installed(python) == fork
  run(*pip, *with_index, f'google-adk==={RELEASE}')
  assert installed(python) == RELEASE

  run(*pip, *with_index, '--no-deps', f'google-adk=={fork}')
  run(*uv, f'google-adk=={RELEASE}')
  assert installed(python) == fork
  run(*uv, f'google-adk==={RELEASE}')
  assert installed(python) == RELEASE
