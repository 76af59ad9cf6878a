"""The agencies' registries: one question each, asked in the background, answers recorded."""
