"""PEP 517 hooks: build google-adk with the live close() fix.

The upstream release comes from `--config-settings upstream=X`, else from the
environment variable GOOGLE_ADK_UPSTREAM, else from the sdist being built,
else it is `releases.DEFAULT`.
"""

from __future__ import annotations

import os
import pathlib
import tempfile
import zipfile

from . import fork
from . import releases
from . import sdist
from . import wheel

ENV_VAR = 'GOOGLE_ADK_UPSTREAM'


def upstream_release(config_settings: dict | None) -> str:
  from_config = (config_settings or {}).get('upstream')
  return (
      from_config
      or os.environ.get(ENV_VAR)
      or sdist.built_for()
      or releases.DEFAULT
  )


def get_requires_for_build_wheel(config_settings=None):
  return []


def get_requires_for_build_sdist(config_settings=None):
  return []


def _build(config_settings, out_dir: pathlib.Path) -> pathlib.Path:
  release = upstream_release(config_settings)
  with tempfile.TemporaryDirectory() as downloads:
    return fork.prepare(release, pathlib.Path(downloads)).write_wheel(out_dir)


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
  with tempfile.TemporaryDirectory() as scratch:
    built = _build(config_settings, pathlib.Path(scratch))
    with zipfile.ZipFile(built) as archive:
      dist_info = wheel.dist_info(archive)
      for name in archive.namelist():
        if name.startswith(dist_info + '/') and name != f'{dist_info}/RECORD':
          archive.extract(name, metadata_directory)
  return dist_info


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
  return _build(config_settings, pathlib.Path(wheel_directory)).name


def build_sdist(sdist_directory, config_settings=None):
  release = upstream_release(config_settings)
  releases.wheel_sha256(release)  # An sdist for a release it cannot build.
  return sdist.write(
      pathlib.Path(sdist_directory), releases.fork_version(release)
  )
