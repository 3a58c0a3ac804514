"""Shared by the build backend's tests."""

# Both handler shapes, with and without the goAway reconnect, and the first
# and last release of each family.
RELEASES = ['1.20.0', '1.28.1', '1.29.0', '1.36.1', '1.39.1', '2.0.0', '2.8.0']


def assert_upstream_style(lines: list[str]) -> None:
  """Inserted lines read like upstream's: pyink's 80 columns, 2-space indents."""
  for line in lines:
    assert len(line) <= 80, line
    assert (len(line) - len(line.lstrip(' '))) % 2 == 0, line
    assert '\t' not in line and '"' not in line.replace('"""', ''), line
