"""Optional confirmation e-mails: sent only when ``MAIL_SERVER`` is configured.

Without SMTP settings nothing is sent and nothing breaks: the confirmation page
carries everything. A failed send is logged without the address and ignored.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from email.message import EmailMessage

from flask import current_app
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from web import get_tour
from web.services import booking
from web.services.i18n import pick
from web.services.links import external_url

log = logging.getLogger(__name__)


def configured() -> bool:
    """Whether SMTP settings are present."""
    return bool(current_app.config["MAIL_SERVER"])


def confirmation_link(code: str) -> str:
    """The link in the e-mail: the guest's confirmation page."""
    return external_url("dates.confirmation", code=code)


def send_confirmation(code: str) -> None:
    """Mail the guest their registration, in the language of its date."""
    if not configured():
        return
    registration = booking.find(code)
    if registration is None or not registration.email:
        return
    with force_locale(registration.language):
        tour = get_tour()
        subject = _("Your registration: %(title)s", title=pick(tour.title))
        body = render_template(
            "public/dates/email.txt",
            reg=registration,
            date=registration.session,
            link=confirmation_link(registration.code),
        )
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = registration.email
    message.set_content(body)
    settings = {
        key: current_app.config[key]
        for key in (
            "MAIL_SERVER",
            "MAIL_PORT",
            "MAIL_USERNAME",
            "MAIL_PASSWORD",
            "MAIL_USE_TLS",
        )
    }
    thread = threading.Thread(
        target=_send, args=(message, settings, registration.code), daemon=True
    )
    thread.start()
    if current_app.testing:
        thread.join()


def _send(message: EmailMessage, settings: dict[str, object], code: str) -> None:
    try:
        port = int(settings.get("MAIL_PORT") or 25)  # type: ignore[call-overload]
        with smtplib.SMTP(str(settings["MAIL_SERVER"]), port, timeout=20) as smtp:
            if settings.get("MAIL_USE_TLS"):
                smtp.starttls()
            if settings.get("MAIL_USERNAME"):
                smtp.login(
                    str(settings["MAIL_USERNAME"]), str(settings["MAIL_PASSWORD"])
                )
            smtp.send_message(message)
        log.info("confirmation mail sent for registration %s", code)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning(
            "confirmation mail for registration %s failed: %s", code, type(exc).__name__
        )
