"""The support line's data: requests and their messages, caller checks and the alerts they raise."""

from registration.support.models.caller import CallerCheck, CallerVerificationAlert, CheckMethod
from registration.support.models.requests import (
    SupportChannel,
    SupportMessage,
    SupportRequest,
    SupportStatus,
    SupportTopic,
)

__all__ = [
    "CallerCheck",
    "CallerVerificationAlert",
    "CheckMethod",
    "SupportChannel",
    "SupportMessage",
    "SupportRequest",
    "SupportStatus",
    "SupportTopic",
]
