"""Forms of the agreement pages (Flask-WTF: each carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField

from governance.forms import EmptyForm
from governance.texts import _l

__all__ = ["CorrectForm", "EmptyForm", "SignForm", "VerifyForm"]


class SignForm(FlaskForm):
    # Checked by the service, so a refusal says why in the domain's words and nothing is half-validated.
    coop = SelectField(_l("Sign for"), coerce=str)
    typed_name = StringField(_l("Your full name, as your signature"))
    consent = BooleanField(_l("I consent to the text above"))


class CorrectForm(FlaskForm):
    term_months = StringField(_l("Term, in months"))
    notice_days = StringField(_l("Notice of withdrawal, in days"))
    withdrawal = TextAreaField(_l("Withdrawal (Markdown)"))
    governance = TextAreaField(_l("Governance of the joint venture (Markdown)"))
    note = StringField(_l("What was corrected, and why"))


class VerifyForm(FlaskForm):
    file = FileField(_l("The agreement's PDF file (at most 10 MB)"))
