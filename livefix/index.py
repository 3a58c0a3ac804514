"""A PEP 503 simple index of the fork's wheels, for any static file host.

`write(DIR, releases)` builds each release's fork into
`DIR/simple/google-adk/` and writes `DIR/simple/index.html` and
`DIR/simple/google-adk/index.html`, which links every wheel there with its
sha256 (a `#sha256=` fragment) and its Requires-Python
(`data-requires-python`). Building again gives the same files, byte for
byte: a wheel keeps upstream's time stamps, and the page lists the wheels in
the order of their names.
"""

from __future__ import annotations

import email.parser
import html
import pathlib
import urllib.parse
import zipfile

from . import fetch
from . import fork
from . import releases

PROJECT = 'google-adk'


def _requires_python(wheel: pathlib.Path) -> str | None:
  with zipfile.ZipFile(wheel) as archive:
    [metadata] = [
        name
        for name in archive.namelist()
        if name.count('/') == 1 and name.endswith('.dist-info/METADATA')
    ]
    fields = email.parser.BytesHeaderParser().parsebytes(archive.read(metadata))
  return fields['Requires-Python']


def _link(wheel: pathlib.Path) -> str:
  href = f'{urllib.parse.quote(wheel.name)}#sha256={fetch.sha256(wheel)}'
  requires_python = _requires_python(wheel)
  attribute = (
      f' data-requires-python="{html.escape(requires_python)}"'
      if requires_python
      else ''
  )
  return f'<a href="{href}"{attribute}>{html.escape(wheel.name)}</a><br>'


def _page(title: str, links: list[str]) -> str:
  body = '\n'.join(links)
  return (
      '<!DOCTYPE html>\n<html>\n<head><meta name="pypi:repository-version"'
      f' content="1.0"><title>{title}</title></head>\n<body>\n{body}\n'
      '</body>\n</html>\n'
  )


def write_pages(out: pathlib.Path) -> pathlib.Path:
  """Writes the index's two pages for the wheels in `out/simple/google-adk`;
  returns the project's page."""
  project = out / 'simple' / PROJECT
  links = [_link(wheel) for wheel in sorted(project.glob('*.whl'))]
  page = project / 'index.html'
  page.write_text(_page(f'Links for {PROJECT}', links))
  (out / 'simple' / 'index.html').write_text(
      _page('Simple index', [f'<a href="{PROJECT}/">{PROJECT}</a><br>'])
  )
  return page


def write(
    out: pathlib.Path, names: list[str], download_dir: pathlib.Path
) -> list[pathlib.Path]:
  """Builds the fork of each release in `names` into the index at `out` and
  writes its pages; returns the wheels built. Refuses an unsupported release
  before it writes anything; raises what `fork.prepare` raises."""
  for release in names:
    releases.wheel_sha256(release)
  project = out / 'simple' / PROJECT
  project.mkdir(parents=True, exist_ok=True)
  built = [
      fork.prepare(release, download_dir).write_wheel(project)
      for release in names
  ]
  write_pages(out)
  return built
