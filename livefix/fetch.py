"""Gets an official google-adk wheel, verified by its sha256.

The wheel comes from the package index the frontend was told to use
(index_settings), with the standard library alone, so that a build installs
nothing first. It is kept in a cache directory, so that later builds of the
same release need no network. A kept wheel is used only if it can be read and
its sha256 is still the pinned one.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html.parser
import json
import netrc
import os
import pathlib
import shutil
import sys
import urllib.parse
import urllib.request
import uuid

from . import index_settings
from . import releases

CACHE_ENV_VAR = 'GOOGLE_ADK_LIVEFIX_CACHE'
# PEP 691's JSON first, PEP 503's HTML from indexes that only serve that.
_PAGE_TYPES = 'application/vnd.pypi.simple.v1+json, text/html;q=0.1'
# pip's default, for each request.
_TIMEOUT_S = 15


class FetchError(Exception):
  """The upstream wheel could not be had, or is not the one pinned."""


def sha256(path: pathlib.Path) -> str:
  return hashlib.sha256(path.read_bytes()).hexdigest()


def verify(path: pathlib.Path, release: str) -> None:
  expected = releases.wheel_sha256(release)
  actual = sha256(path)
  if actual != expected:
    raise FetchError(
        f'{path.name} has sha256 {actual}, but the official wheel of'
        f' google-adk {release} has {expected}. Refusing to build from it:'
        ' check which package index the build used (docs/install.md, "Package'
        ' indexes") and clear any mirror or cache serving a different file.'
    )


def cache_dir() -> pathlib.Path:
  """Where verified wheels are kept: $GOOGLE_ADK_LIVEFIX_CACHE if set, else
  the user's cache directory of the platform."""
  if os.environ.get(CACHE_ENV_VAR):
    return pathlib.Path(os.environ[CACHE_ENV_VAR])
  home = pathlib.Path.home()
  if sys.platform == 'win32':
    base = os.environ.get('LOCALAPPDATA') or home / 'AppData' / 'Local'
  elif sys.platform == 'darwin':
    base = home / 'Library' / 'Caches'
  else:
    base = os.environ.get('XDG_CACHE_HOME') or home / '.cache'
  return pathlib.Path(base) / 'google-adk-livefix'


def _wheels(release: str, directory: pathlib.Path) -> list[pathlib.Path]:
  return list(directory.glob(f'google_adk-{release}-*.whl'))


def cached(release: str) -> pathlib.Path | None:
  """The kept wheel of `release` if there is one this process can read and
  its sha256 is pinned."""
  expected = releases.wheel_sha256(release)
  for wheel in _wheels(release, cache_dir()):
    # One another user kept, unreadable here, is as good as none.
    with contextlib.suppress(OSError):
      if sha256(wheel) == expected:
        return wheel
  return None


def _keep(wheel: pathlib.Path) -> None:
  cache = cache_dir()
  partial = cache / f'{wheel.name}.{uuid.uuid4().hex}.part'
  # Best effort: a read-only home must not fail the build.
  with contextlib.suppress(OSError):
    cache.mkdir(parents=True, exist_ok=True)
    try:
      # Created by open(), so that its mode follows the umask as the user's
      # other files do, for a cache that builds under other users share.
      with wheel.open('rb') as source, partial.open('xb') as kept:
        shutil.copyfileobj(source, kept)
      # Atomic, so a build running beside this one never reads half a wheel.
      os.replace(partial, cache / wheel.name)
    finally:
      partial.unlink(missing_ok=True)


def _official_name(release: str) -> str:
  return f'google_adk-{release}-py3-none-any.whl'


class _Links(html.parser.HTMLParser):
  """The links of a PEP 503 project page, by file name."""

  def __init__(self):
    super().__init__()
    self.links = {}
    self._href = None

  def handle_starttag(self, tag, attrs):
    if tag == 'a':
      self._href = dict(attrs).get('href')

  def handle_data(self, data):
    if self._href is not None:
      self.links[data.strip()] = self._href

  def handle_endtag(self, tag):
    if tag == 'a':
      self._href = None


def _files(page: bytes, content_type: str) -> dict[str, str]:
  """The files a project page lists, by name: PEP 691's JSON or PEP 503's
  HTML, whichever the index answered with."""
  if content_type.startswith('application/vnd.pypi.simple.v1+json'):
    return {f['filename']: f['url'] for f in json.loads(page)['files']}
  links = _Links()
  links.feed(page.decode('utf-8', 'replace'))
  return links.links


def _request(url: str, index: str, accept: str) -> urllib.request.Request:
  """A request for `url`, with the credentials of the index's URL (or of
  ~/.netrc) when it is on the index's host, as pip and uv send them."""
  parts = urllib.parse.urlsplit(index)
  target = urllib.parse.urlsplit(url)
  headers = {'Accept': accept, 'User-Agent': 'google-adk-livefix'}
  credentials = None
  if parts.username is not None:
    credentials = (
        urllib.parse.unquote(parts.username),
        urllib.parse.unquote(parts.password or ''),
    )
  elif parts.hostname:
    with contextlib.suppress(OSError, netrc.NetrcParseError):
      found = netrc.netrc().authenticators(parts.hostname)
      credentials = found and (found[0], found[2])
  if credentials and target.hostname == parts.hostname:
    token = base64.b64encode(':'.join(credentials).encode()).decode()
    headers['Authorization'] = f'Basic {token}'
  # urllib cannot open a URL that carries credentials.
  return urllib.request.Request(_without_credentials(url), headers=headers)


def _without_credentials(url: str) -> str:
  parts = urllib.parse.urlsplit(url)
  return parts._replace(netloc=parts.netloc.rpartition('@')[2]).geturl()


def _get(index: str, name: str, dest: pathlib.Path) -> None:
  """Downloads the file `name` of google-adk from the index at `index`."""
  page_url = urllib.parse.urljoin(index, 'google-adk/')
  with urllib.request.urlopen(
      _request(page_url, index, _PAGE_TYPES), timeout=_TIMEOUT_S
  ) as page:
    files = _files(page.read(), page.headers.get_content_type())
    page_url = page.url
  if name not in files:
    raise FetchError(f'{_without_credentials(page_url)} does not list {name}')
  file_url = urllib.parse.urljoin(page_url, files[name]).partition('#')[0]
  dest.mkdir(parents=True, exist_ok=True)
  with urllib.request.urlopen(
      _request(file_url, index, '*/*'), timeout=_TIMEOUT_S
  ) as response, (dest / name).open('wb') as out:
    shutil.copyfileobj(response, out)


def download(release: str, dest: pathlib.Path) -> pathlib.Path:
  """Downloads the official wheel of `release` into `dest` from the index
  the frontend was told to use (index_settings); returns it, verified.
  Raises FetchError, in one line that says what to do."""
  index = index_settings.configured()
  name = _official_name(release)
  what_to_do = (
      f'The build needs that wheel (sha256 {releases.wheel_sha256(release)}):'
      ' check the network and the index setting, or put the wheel into'
      f' {cache_dir()} (or set {CACHE_ENV_VAR}), then build again.'
  )
  if index.url is None:
    raise FetchError(
        f'{index.setting} forbids downloading {name}. {what_to_do}'
    )
  base = index.url.rstrip('/') + '/'
  try:
    _get(base, name, dest)
  except (OSError, ValueError, KeyError, FetchError) as e:
    reason = getattr(e, 'reason', None) or e
    raise FetchError(
        f'could not download {name} from {_without_credentials(base)} (set'
        f' by {index.setting}): {reason}. {what_to_do}'
    ) from None
  verify(dest / name, release)
  return dest / name


def fetch(release: str, dest: pathlib.Path) -> pathlib.Path:
  """The verified wheel of `release`: the kept one, else one downloaded into
  `dest` and kept for next time."""
  wheel = cached(release)
  if wheel is None:
    wheel = download(release, dest)
    _keep(wheel)
  return wheel
