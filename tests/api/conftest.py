from tests.web.conftest import client, social_worker  # noqa: F401 - shared fixtures
