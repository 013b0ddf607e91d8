"""Forms of the notification pages."""

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from governance.texts import _l


class ChatForm(FlaskForm):
    label = StringField(_l("Name (say, the channel)"), validators=[Optional(), Length(max=100)])
    url = StringField(_l("Apprise URL"), validators=[DataRequired(), Length(max=2000)])
