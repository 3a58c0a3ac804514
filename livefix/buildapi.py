"""PEP 517 hooks: build google-adk with the live close() fix.

The upstream release comes from `--config-settings upstream=X`, else from the
environment variable GOOGLE_ADK_UPSTREAM, else from the sdist being built,
else it is `releases.DEFAULT`.
"""

from __future__ import annotations

import os
import pathlib
import tempfile

from . import fetch
from . import fork
from . import releases
from . import sdist

ENV_VAR = 'GOOGLE_ADK_UPSTREAM'


def upstream_release(config_settings: dict | None) -> str:
  from_config = (config_settings or {}).get('upstream')
  return (
      from_config
      or os.environ.get(ENV_VAR)
      or sdist.built_for()
      or releases.DEFAULT
  )


def get_requires_for_build_sdist(config_settings=None):
  release = upstream_release(config_settings)
  # packaging only to say why the release is refused.
  return [] if release in releases.WHEEL_SHA256 else ['packaging>=22']


def get_requires_for_build_wheel(config_settings=None):
  release = upstream_release(config_settings)
  if release in releases.WHEEL_SHA256 and fetch.cached(release) is None:
    return ['pip']  # To download upstream's wheel.
  return get_requires_for_build_sdist(config_settings)


# No prepare_metadata_for_build_wheel: the metadata is in the wheel, and
# frontends without the hook build the wheel once and reuse it.


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
  release = upstream_release(config_settings)
  with tempfile.TemporaryDirectory() as downloads:
    the_fork = fork.prepare(release, pathlib.Path(downloads))
    return the_fork.write_wheel(pathlib.Path(wheel_directory)).name


def build_sdist(sdist_directory, config_settings=None):
  release = upstream_release(config_settings)
  return sdist.write(
      pathlib.Path(sdist_directory), releases.fork_version(release)
  )
