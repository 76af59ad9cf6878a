"""Date and time formats that override Django's per-language defaults (FORMAT_MODULE_PATH)."""
