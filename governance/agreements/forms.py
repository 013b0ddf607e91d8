"""Forms of the agreement pages (Flask-WTF: each carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField

from governance.forms import EmptyForm

__all__ = ["CorrectForm", "EmptyForm", "SignForm", "VerifyForm"]


class SignForm(FlaskForm):
    # Checked by the service, so a refusal says why in the domain's words and nothing is half-validated.
    coop = SelectField("Sign for", coerce=str)
    typed_name = StringField("Your full name, as your signature")
    consent = BooleanField("I consent to the text above")


class CorrectForm(FlaskForm):
    term_months = StringField("Term, in months")
    notice_days = StringField("Notice of withdrawal, in days")
    withdrawal = TextAreaField("Withdrawal (Markdown)")
    governance = TextAreaField("Governance of the joint venture (Markdown)")
    note = StringField("What was corrected, and why")


class VerifyForm(FlaskForm):
    file = FileField("The agreement's PDF file (at most 10 MB)")
