"""Forms for the foundation's pages (Flask-WTF: every form carries a CSRF token)."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from governance import i18n
from governance.models import CoopRole, NetworkRoleKind
from governance.security import MIN_PASSWORD_LENGTH
from governance.texts import _, _l
from governance.timezones import is_valid_zone
from governance.words import ROLE_LABELS


def valid_zone(form, field) -> None:
    if not is_valid_zone(field.data):
        raise ValidationError(
            _("Unknown time zone: use an IANA name such as Europe/London or America/New_York.")
        )


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs, in the form WTForms 3.3 expects."""
    return [SelectChoice(value, label) for value, label in pairs]


def role_choices(enum_cls) -> list[SelectChoice]:
    """A role enum's members as options, each named in the reader's language."""
    return choices((m.value, ROLE_LABELS[m.value]) for m in enum_cls)


# RFC 5321 caps a path (an address with its angle brackets) at 256 octets: at most 254 for the address.
EMAIL_MAX = 254


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes: nobody has to know Ctrl-click. The `field` macro puts them in
    a fieldset whose legend is the label."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SignInForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=EMAIL_MAX)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in on this device"))


class PasswordMixin:
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(),
            Length(
                min=MIN_PASSWORD_LENGTH, message=_l("At least %(num)s characters.", num=MIN_PASSWORD_LENGTH)
            ),
        ],
    )


class AcceptInvitationForm(PasswordMixin, FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    time_zone = StringField(_l("Your time zone"), validators=[DataRequired(), valid_zone])


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=EMAIL_MAX)])


class ResetPasswordForm(PasswordMixin, FlaskForm):
    pass


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(),
            Length(
                min=MIN_PASSWORD_LENGTH, message=_l("At least %(num)s characters.", num=MIN_PASSWORD_LENGTH)
            ),
        ],
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two new passwords differ."))],
    )


class NetworkForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])


class CoopForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    country = StringField(
        _l("Country (ISO code, e.g. GB)"), validators=[DataRequired(), Length(min=2, max=2)]
    )
    city = StringField(_l("City"), validators=[Optional(), Length(max=120)])
    time_zone = StringField(_l("Time zone"), validators=[DataRequired(), valid_zone])
    worker_members = IntegerField(
        _l("Worker-members"), validators=[InputRequired(), NumberRange(min=0, max=1_000_000)]
    )
    website = URLField(_l("Website"), validators=[Optional(), URL(), Length(max=300)])


class AdmitForm(FlaskForm):
    coop = SelectField(_l("Co-op"), coerce=int, validators=[DataRequired()])


class InviteForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=EMAIL_MAX)])
    role = SelectField(_l("Role"), choices=role_choices(CoopRole), default=CoopRole.MEMBER.value)


class CoopRoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=role_choices(CoopRole))


class NetworkRoleForm(FlaskForm):
    email = EmailField(_l("Person's email"), validators=[DataRequired(), Email(), Length(max=EMAIL_MAX)])
    role = SelectField(_l("Role"), choices=role_choices(NetworkRoleKind))


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    time_zone = StringField(_l("Time zone"), validators=[DataRequired(), valid_zone])
    locale = SelectField(_l("Language"), validators=[Optional()])  # left out: kept as it is

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = i18n.locale_choices()
        if not self.is_submitted() and self.locale.data not in i18n.LOCALES:
            self.locale.data = i18n.select_locale()  # not chosen yet: what the browser asks for


class TokenForm(FlaskForm):
    name = StringField(_l("What is this token for?"), validators=[DataRequired(), Length(max=100)])


class EmptyForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


def show_refusal(form, error) -> None:
    """Show a refused action (a DomainError) on the form it came from, keeping what was typed."""
    form.form_errors.append(error.message)
    for field, messages in error.errors.items():
        if field in form:
            form[field].errors = list(messages)
