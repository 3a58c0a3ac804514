"""The loopback endpoint takes only what the real service would: the path,
the credentials and the model names of its backend, so that a test passing on
Vertex AI shows that google-genai took the Vertex AI path."""

from google.genai import Client
from google.genai import types
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from loopback.endpoint import Backend
from loopback.endpoint import VERTEX_HOST

from .live_app import MODEL

pytestmark = pytest.mark.asyncio

_PATHS = {
    Backend.GEMINI_API: (
        '/ws/google.ai.generativelanguage.v1beta.GenerativeService'
        '.BidiGenerateContent'
    ),
    Backend.VERTEX_AI: (
        '//ws/google.cloud.aiplatform.v1beta1.LlmBidiService'
        '/BidiGenerateContent'
    ),
}
_MODELS = {
    Backend.GEMINI_API: f'models/{MODEL}',
    Backend.VERTEX_AI: (
        'projects/loopback-project/locations/us-central1/publishers/google'
        f'/models/{MODEL}'
    ),
}


def _client(backend: Backend) -> Client:
  # ADK's own live client options: v1beta1 on Vertex AI, v1beta otherwise.
  version = 'v1beta1' if backend is Backend.VERTEX_AI else 'v1beta'
  return Client(http_options=types.HttpOptions(api_version=version))


async def test_google_genai_takes_the_backends_path(backend, start_endpoint):
  endpoint = await start_endpoint()

  async with _client(backend).aio.live.connect(
      model=MODEL,
      config=types.LiveConnectConfig(response_modalities=['TEXT']),
  ):
    await endpoint.wait_for_connections(1, timeout=2)

  [connection] = endpoint.connections
  assert connection.path == _PATHS[backend]
  assert connection.setup['model'] == _MODELS[backend]
  assert endpoint.refused == []


async def test_a_handshake_without_credentials_is_refused(
    backend, start_endpoint
):
  endpoint = await start_endpoint()
  # The Vertex AI host on port 443, as google-genai reaches it.
  authority = (
      VERTEX_HOST
      if backend is Backend.VERTEX_AI
      else f'127.0.0.1:{endpoint.port}'
  )
  url = f'wss://{authority}{_PATHS[backend]}'

  with pytest.raises(InvalidStatus) as refusal:
    async with connect(url, proxy=None):
      pass

  assert refusal.value.response.status_code == 401
  assert endpoint.refused == [(401, _PATHS[backend])]
  assert endpoint.connections == []
