"""Changes to a person's data after registration: contacts, identity data held for review, address and identifiers."""
