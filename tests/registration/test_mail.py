"""Templated e-mails."""

from __future__ import annotations

from django.core import mail

from registration.core.mail import send_templated


def test_send_templated_renders_subject_and_body():
    """Subject and body come from the templates with the context filled in; no HTML part without a template."""
    assert send_templated("test", "anna@example.org", {"name": "Anna"}, language="en") == 1
    message = mail.outbox[-1]
    assert message.subject == "Test message"
    assert "Hello, Anna." in message.body
    assert message.to == ["anna@example.org"]
    assert message.alternatives == []
