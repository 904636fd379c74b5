"""The UI fixtures of ``tests/ui`` (clean app state, the classroom window) for these tests."""

from tests.ui.conftest import classroom, clean_app  # noqa: F401  (pytest fixtures)
