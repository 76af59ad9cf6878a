"""Changes to a person's data after registration: contacts, identity data held for review, address and identifiers.

``flows`` holds the plain functions that the cabinet's views and the clerks' workspace both call;
``models`` the change requests waiting beside the confirmed data.
"""
