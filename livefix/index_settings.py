"""The package index the frontend running the build was told to use.

A PEP 517 backend sees its frontend's environment and configuration files,
never its command line: `pip install -i URL` and `uv pip install
--default-index URL` do not reach it. What is read, by frontend (pip sets
PIP_BUILD_TRACKER for its builds, uv sets UV), later entries winning:

- pip (and any other frontend): the `index-url` of pip's configuration files,
  global, user and site (the environment's `pip.conf`), or the one file
  PIP_CONFIG_FILE names, `[global]` then `[install]`; then PIP_INDEX_URL.
  As pip's documentation "Configuration" lays them out.
- uv: the default index of uv's system-level `uv.toml`, then the user-level
  one, or only the file UV_CONFIG_FILE names, none with UV_NO_CONFIG (an
  `[[index]]` with `default = true`, or `index-url`); then UV_INDEX_URL, then
  UV_DEFAULT_INDEX. As uv's documentation "Configuration files" lays them out.
  A project's own `[tool.uv]` is not visible from the build. TOML files are
  read on Python 3.11 and later (tomllib).

Extra indexes are not read: the build asks the one default index for the
wheel. Without any setting, that is the public index. pip's `no-index` (in a
file or as PIP_NO_INDEX), and uv's `offline` and `no-index` (in a file, or as
UV_OFFLINE and UV_NO_INDEX), forbid the download: only a kept wheel builds.
"""

from __future__ import annotations

import configparser
import dataclasses
import os
import pathlib
import sys
from typing import Iterator
from typing import Mapping

PUBLIC = 'https://pypi.org/simple/'


@dataclasses.dataclass(frozen=True)
class Index:
  """A PEP 503 index's base URL, and the setting it was read from. No URL
  where that setting forbids every index (pip's `no-index`, uv's `offline`
  and `no-index`)."""

  url: str | None
  setting: str


# How pip and uv read a boolean from the environment.
_TRUE = ('1', 'true', 'yes', 'on')


def _flag(environ: Mapping[str, str], *variables: str) -> str | None:
  """The first of `variables` that is set to true."""
  for variable in variables:
    if environ.get(variable, '').lower() in _TRUE:
      return variable
  return None


def configured(environ: Mapping[str, str] = os.environ) -> Index:
  """The default index of the frontend running this build."""
  if 'UV' in environ and 'PIP_BUILD_TRACKER' not in environ:
    found = _uv_index(environ)
  else:
    found = _pip_index(environ)
  return found or Index(PUBLIC, 'the default')


def _home(environ: Mapping[str, str]) -> pathlib.Path:
  return pathlib.Path(environ.get('HOME') or pathlib.Path.home())


def _windows_dir(environ: Mapping[str, str], variable: str) -> pathlib.Path:
  return pathlib.Path(environ.get(variable, ''))


def _xdg_config_home(environ: Mapping[str, str]) -> pathlib.Path:
  return pathlib.Path(
      environ.get('XDG_CONFIG_HOME') or _home(environ) / '.config'
  )


def _xdg_config_dirs(environ: Mapping[str, str]) -> list[pathlib.Path]:
  dirs = environ.get('XDG_CONFIG_DIRS') or '/etc/xdg'
  return [pathlib.Path(d) for d in dirs.split(os.pathsep) if d]


def _pip_files(environ: Mapping[str, str]) -> list[pathlib.Path]:
  """pip's configuration files, in the order pip loads them."""
  chosen = environ.get('PIP_CONFIG_FILE')
  if chosen == os.devnull:
    return []
  name = 'pip.ini' if sys.platform == 'win32' else 'pip.conf'
  home = _home(environ)
  if sys.platform == 'win32':
    system = [_windows_dir(environ, 'ProgramData') / 'pip']
    user = [home / 'pip', _windows_dir(environ, 'APPDATA') / 'pip']
  elif sys.platform == 'darwin':
    system = [pathlib.Path('/Library/Application Support/pip')]
    user = [home / '.pip', home / 'Library/Application Support/pip']
  else:
    system = [d / 'pip' for d in _xdg_config_dirs(environ)]
    system.append(pathlib.Path('/etc'))
    user = [home / '.pip', _xdg_config_home(environ) / 'pip']
  files = [d / name for d in system]
  # A PIP_CONFIG_FILE that exists replaces the user's files.
  if not (chosen and os.path.exists(chosen)):
    files += [d / name for d in user]
  files.append(pathlib.Path(sys.prefix) / name)
  if chosen:
    files.append(pathlib.Path(chosen))
  return files


def _pip_index(environ: Mapping[str, str]) -> Index | None:
  found = no_index = None
  for path in _pip_files(environ):
    parser = configparser.RawConfigParser()
    try:
      parser.read(path, encoding='utf-8')
    except (configparser.Error, UnicodeDecodeError):
      continue  # pip itself refuses such a file before it builds anything.
    for section in ('global', 'install'):
      url = parser.get(section, 'index-url', fallback=None)
      if url:
        found = Index(url.strip(), str(path))
      if parser.get(section, 'no-index', fallback='').lower() in _TRUE:
        no_index = Index(None, str(path))
  if environ.get('PIP_INDEX_URL'):
    found = Index(environ['PIP_INDEX_URL'], 'PIP_INDEX_URL')
  if _flag(environ, 'PIP_NO_INDEX'):
    no_index = Index(None, 'PIP_NO_INDEX')
  return no_index or found


def _uv_files(environ: Mapping[str, str]) -> Iterator[pathlib.Path]:
  """uv's configuration files outside a project, lowest precedence first."""
  if environ.get('UV_CONFIG_FILE'):
    yield pathlib.Path(environ['UV_CONFIG_FILE'])
    return
  if environ.get('UV_NO_CONFIG'):
    return
  if sys.platform == 'win32':
    yield _windows_dir(environ, 'ProgramData') / 'uv' / 'uv.toml'
    yield _windows_dir(environ, 'APPDATA') / 'uv' / 'uv.toml'
    return
  # uv takes the first system-level file it finds.
  system = [d / 'uv' / 'uv.toml' for d in _xdg_config_dirs(environ)]
  yield next(
      (p for p in system if p.is_file()), pathlib.Path('/etc/uv/uv.toml')
  )
  yield _xdg_config_home(environ) / 'uv' / 'uv.toml'


def _uv_default_index(settings: dict) -> str | None:
  for index in settings.get('index', []):
    if isinstance(index, dict) and index.get('default'):
      return index.get('url')
  return settings.get('index-url')


def _uv_index(environ: Mapping[str, str]) -> Index | None:
  found = offline = None
  try:
    import tomllib
  except ImportError:  # Python 3.10 and older: no TOML reader to hand.
    tomllib = None
  for path in _uv_files(environ) if tomllib else ():
    try:
      settings = tomllib.loads(path.read_text(encoding='utf-8'))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
      continue
    url = _uv_default_index(settings)
    if isinstance(url, str):
      found = Index(url, str(path))
    if settings.get('offline') is True or settings.get('no-index') is True:
      offline = Index(None, str(path))
  for variable in ('UV_INDEX_URL', 'UV_DEFAULT_INDEX'):
    if environ.get(variable):
      found = Index(environ[variable], variable)
  variable = _flag(environ, 'UV_OFFLINE', 'UV_NO_INDEX')
  if variable:
    offline = Index(None, variable)
  return offline or found
