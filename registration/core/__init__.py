"""The pieces every app shares: keys and encryption, rate limits, settings, errors, masking."""
