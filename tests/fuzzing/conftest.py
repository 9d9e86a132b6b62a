"""The fuzzing tests share the authorization matrix's data: both sides, every role."""

from tests.authorization.conftest import _module_settings, _test_settings, data

__all__ = ["_module_settings", "_test_settings", "data"]
