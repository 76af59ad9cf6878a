"""The registration wizard: one URL per step under ``/register/<step>/``, drafts in the session.

Built on formtools' ``NamedUrlSessionWizardView`` (:mod:`.wizard`) with these changes:

* the step comes from the URL (a stale or missing management form cannot send the person
  elsewhere, and never causes an error page);
* a step cannot be opened before the steps it needs are answered (:mod:`.draft`);
* scans are kept between visits (see :mod:`registration.onboarding.storage`);
* only the form's own fields are stored, never the password (a signed hash instead) or a code;
* codes are sent and checked here, in the view, never in a form's ``clean()`` (:mod:`.code_steps`);
* every POST redirects to a GET: a refused step, a language switch (the header's buttons submit the
  step's form) and "save and continue later" keep what was typed (:mod:`.draft`);
* once the e-mail is confirmed the draft is also kept on the server and can be continued from an
  e-mailed link, in any browser; a lost session is explained (:mod:`.resume`);
* ``done()`` runs on the POST of the check page (not on a GET), calls
  :func:`registration.onboarding.submit.submit_application`, logs the person in and shows the confirmation.

The side pages (the start, starting again, the confirmation, …) are in :mod:`.pages`.
"""

from registration.onboarding.storage import StoredFile
from registration.onboarding.views.application import application_data
from registration.onboarding.views.pages import complete, email_link, has_draft, restart, russian_citizens, start
from registration.onboarding.views.resume import resume_code, resume_link, saved_page, session_ended
from registration.onboarding.views.wizard import RegistrationWizard, wizard_view
from registration.onboarding.views.zone import zone_status

__all__ = [
    "RegistrationWizard",
    "StoredFile",
    "application_data",
    "complete",
    "email_link",
    "has_draft",
    "restart",
    "resume_code",
    "resume_link",
    "russian_citizens",
    "saved_page",
    "session_ended",
    "start",
    "wizard_view",
    "zone_status",
]
