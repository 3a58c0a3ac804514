"""Name resolution that sends one HTTPS host to the loopback endpoint.

google-genai reaches Vertex AI at a fixed host on port 443, and ADK gives no
way to change it (`GOOGLE_VERTEX_BASE_URL` is read only when `Client` is
built with `vertexai=True`, which ADK does not do). The one piece below
google-genai that decides where that connection goes is name resolution, so
this process resolves that host to 127.0.0.1 and the endpoint's port, and
everything above it, the TLS handshake with its host name included, runs as
it would against the service.
"""

from __future__ import annotations

import contextlib
import socket
from typing import Iterator

_HTTPS_SERVICES = (443, '443', 'https')
_GOOGLE_APIS = 'googleapis.com'


@contextlib.contextmanager
def resolving(host: str, port: int) -> Iterator[None]:
  """While active, `host` on port 443 resolves to 127.0.0.1 on `port`.

  Any other name under googleapis.com fails to resolve with
  `socket.gaierror`, so that a request the endpoint does not stand in for (a
  token refresh, say) fails here instead of leaving the machine. Other
  names resolve as before. Applies to `socket.getaddrinfo`, which asyncio's
  connections use, for the whole process.
  """
  resolve = socket.getaddrinfo

  def getaddrinfo(name, service, family=0, type=0, proto=0, flags=0):
    if isinstance(name, bytes):
      name = name.decode('ascii')
    if name == host and service in _HTTPS_SERVICES:
      return [
          (
              socket.AF_INET,
              socket.SOCK_STREAM,
              socket.IPPROTO_TCP,
              '',
              ('127.0.0.1', port),
          )
      ]
    if name == _GOOGLE_APIS or str(name).endswith('.' + _GOOGLE_APIS):
      raise socket.gaierror(
          socket.EAI_NONAME,
          f'{name}:{service} is not served by the loopback endpoint',
      )
    return resolve(name, service, family, type, proto, flags)

  socket.getaddrinfo = getaddrinfo
  try:
    yield
  finally:
    socket.getaddrinfo = resolve
