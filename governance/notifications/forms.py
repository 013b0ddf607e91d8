"""Forms of the notification pages."""

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional


class ChatForm(FlaskForm):
    label = StringField("Name (say, the channel)", validators=[Optional(), Length(max=100)])
    url = StringField("Apprise URL", validators=[DataRequired(), Length(max=2000)])
