"""PEP 517 hooks: build google-adk with the live close() fix.

The upstream release is the one the source tree names: a folder under
`releases/` in its pyproject.toml, an sdist in its PKG-INFO. The repository's
root names none; it builds `releases.DEFAULT`, or the release
`--config-settings upstream=X` asks for. A setting that contradicts the
release a tree names is refused.

A refusal is printed alone on stderr and the hook exits with status 1, so
that a frontend shows the message and no traceback.
"""

from __future__ import annotations

import functools
import os
import pathlib
import sys
import tempfile

from . import folders
from . import fork
from . import releases
from . import sdist

# Read by earlier versions. A release chosen there was invisible to pip's and
# uv's caches, which then served one release's wheel for another.
RETIRED_ENV_VAR = 'GOOGLE_ADK_UPSTREAM'


class SettingError(Exception):
  """A build setting contradicts the source tree, or is no longer read."""


class NotEditable(Exception):
  """An editable install was asked for, which this tree cannot give."""


# What the hooks and the command line report as a message alone.
ERRORS = (*fork.ERRORS, folders.FolderError, SettingError, NotEditable)


def upstream_release(
    config_settings: dict | None, tree: pathlib.Path | None = None
) -> str:
  """The release to build from source tree `tree` (default: the working
  directory, where PEP 517 runs the hooks). Raises SettingError."""
  tree = pathlib.Path.cwd() if tree is None else tree
  if os.environ.get(RETIRED_ENV_VAR):
    raise SettingError(
        f'{RETIRED_ENV_VAR} is no longer read, because pip and uv cannot see'
        ' it. Unset it and install'
        f' google-adk @ git+<repository-url>#subdirectory={folders.FOLDER}/X'
    )
  asked = (config_settings or {}).get('upstream')
  if asked is not None and not isinstance(asked, str):
    raise SettingError(f'upstream is set more than once: {asked}')
  named = folders.named_release(tree)
  where = f'this folder builds google-adk {named} only'
  if named is None:
    named = sdist.built_for(tree)
    where = f'this sdist was made for google-adk {named}'
  if named and asked and asked != named:
    raise SettingError(
        f'the setting upstream={asked} contradicts the source tree: {where}.'
        f' Drop the setting, or install {folders.FOLDER}/{asked} instead.'
    )
  return named or asked or releases.DEFAULT


def _refusals_on_stderr(hook):
  """Runs `hook`, turning a refusal into its message and exit status 1."""

  @functools.wraps(hook)
  def run(*args, **kwargs):
    try:
      return hook(*args, **kwargs)
    except ERRORS as e:
      print(f'error: {e}', file=sys.stderr)
      raise SystemExit(1) from None

  return run


@_refusals_on_stderr
def get_requires_for_build_wheel(config_settings=None):
  """Nothing: the upstream wheel is downloaded with the standard library, so
  that an offline build reaches the message that says what to do. Refuses an
  unsupported release before the frontend goes on."""
  releases.wheel_sha256(upstream_release(config_settings))
  return []


get_requires_for_build_sdist = get_requires_for_build_wheel


# No prepare_metadata_for_build_wheel: the metadata is in the wheel, and
# frontends without the hook build the wheel once and reuse it.


@_refusals_on_stderr
def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
  release = upstream_release(config_settings)
  with tempfile.TemporaryDirectory() as downloads:
    the_fork = fork.prepare(release, pathlib.Path(downloads))
    return the_fork.write_wheel(pathlib.Path(wheel_directory)).name


@_refusals_on_stderr
def build_sdist(sdist_directory, config_settings=None):
  release = upstream_release(config_settings)
  return sdist.write(
      pathlib.Path(sdist_directory), releases.fork_version(release)
  )


@_refusals_on_stderr
def build_editable(
    wheel_directory, config_settings=None, metadata_directory=None
):
  """PEP 660's hook, there to refuse in one line: the package's files are
  upstream's, taken from its wheel at build time, so no source tree here could
  stand in for them."""
  raise NotEditable(
      'google-adk cannot be installed in editable mode from this tree: its'
      ' files come from the upstream wheel at build time. Install it without'
      ' -e (pip install ., or a release folder: pip install'
      f' ./{folders.FOLDER}/X).'
  )
