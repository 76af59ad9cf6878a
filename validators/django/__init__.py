"""Django validators and form fields on top of the library, with messages in Russian and English.

Add ``"validators"`` to ``INSTALLED_APPS`` so that Django finds the translations in
``validators/locale``. Every library error becomes a Django ``ValidationError`` with the same
``code`` and ``params``, and the message the core wrote for that code (:data:`validators.ERROR_CODES`)
translated when it is shown (:data:`MESSAGES`); forms and tests should look at the code, not at the text.

The validator classes live in :mod:`validators.django.validators`, the form fields in
:mod:`validators.django.fields`; everything is importable from here.

>>> from django import forms
>>> from django.utils import translation
>>> field = SnilsField()
>>> field.clean('112-233-445 95')
'11223344595'
>>> with translation.override('en'):
...     try:
...         field.clean('112-233-445 96')
...     except forms.ValidationError as exc:
...         print(exc.error_list[0].code, '|', exc.messages[0])
snils_checksum | Check the SNILS: its last two digits do not match the others, so a digit is mistyped.
>>> DateField().clean('25.03.1990')
datetime.date(1990, 3, 25)
>>> PassportNumberField(country='UZ').clean('fa 1234567')
'FA1234567'
"""

from __future__ import annotations

from validators.django.errors import MESSAGES, to_django_error, validate_document, validate_passport_number
from validators.django.fields import (
    BirthDateField,
    CyrillicNameField,
    DateField,
    DateInput,
    InnField,
    LatinNameField,
    MRZField,
    OgrnField,
    PassportNumberField,
    PhoneField,
    PostcodeField,
    RegionField,
    ScanField,
    SnilsField,
    ValidUntilField,
)
from validators.django.validators import (
    BirthDateValidator,
    CyrillicNameValidator,
    DateValidator,
    InnValidator,
    LatinNameValidator,
    MRZValidator,
    OgrnValidator,
    PassportNumberValidator,
    PhoneValidator,
    PlainTextValidator,
    PostcodeValidator,
    RegionValidator,
    ScanValidator,
    SnilsValidator,
    ValidUntilValidator,
)

__all__ = [
    "MESSAGES",
    "BirthDateField",
    "BirthDateValidator",
    "CyrillicNameField",
    "CyrillicNameValidator",
    "DateField",
    "DateInput",
    "DateValidator",
    "InnField",
    "InnValidator",
    "LatinNameField",
    "LatinNameValidator",
    "MRZField",
    "MRZValidator",
    "OgrnField",
    "OgrnValidator",
    "PassportNumberField",
    "PassportNumberValidator",
    "PhoneField",
    "PhoneValidator",
    "PlainTextValidator",
    "PostcodeField",
    "PostcodeValidator",
    "RegionField",
    "RegionValidator",
    "ScanField",
    "ScanValidator",
    "SnilsField",
    "SnilsValidator",
    "ValidUntilField",
    "ValidUntilValidator",
    "to_django_error",
    "validate_document",
    "validate_passport_number",
]
