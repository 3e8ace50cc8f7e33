"""A real open-source LRS for the delivery tests (tests/test_xapi_ralph.py)."""
