"""Identity confirmation: one module per method behind one small interface, a registry and the flows."""
