"""The registration wizard: steps, forms, the encrypted draft and the submission."""
