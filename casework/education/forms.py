import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from casework.forms import (
    STRIP,
    DateField,
    FilterForm,
    MultiCheckboxField,
    blank_to_none,
    optional_text,
)

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class LibrarySearchForm(FilterForm):
    q = StringField("Search by title or topic", validators=optional_text(120), filters=STRIP)


class ModuleForm(FlaskForm):
    slug = StringField(
        "Short name for links", validators=[DataRequired(), Length(max=80)], filters=STRIP
    )
    title = StringField("Title", validators=[DataRequired(), Length(max=200)], filters=STRIP)
    summary = StringField(
        "One-sentence summary", validators=[DataRequired(), Length(max=500)], filters=STRIP
    )
    topics = StringField(
        "Topics (comma-separated)", validators=optional_text(300), filters=[blank_to_none]
    )
    sources = StringField("Sources", validators=optional_text(500), filters=[blank_to_none])
    body = TextAreaField("Text (Markdown)", validators=[DataRequired(), Length(max=50_000)])

    def validate_slug(self, field):
        if not SLUG.match(field.data or ""):
            raise ValidationError("Use lower-case letters, digits and single hyphens.")


class ArchiveModuleForm(FlaskForm):
    reason = StringField(
        "Why archive it?", validators=[DataRequired(), Length(max=200)], filters=STRIP
    )


class AssignForm(FlaskForm):
    modules = MultiCheckboxField(
        "Modules", coerce=int, validators=[DataRequired(message="Choose at least one module.")]
    )
    contacts = MultiCheckboxField(
        "Family members", coerce=int, validators=[DataRequired(message="Choose who reads them.")]
    )
    due_on = DateField("Read by (optional)", validators=[Optional()])
    note = TextAreaField(
        "A personal note (optional)", validators=optional_text(1000), filters=[blank_to_none]
    )


class PacketForm(FlaskForm):
    title = StringField(
        "Packet title",
        validators=[DataRequired(), Length(max=200)],
        filters=STRIP,
        default="Understanding and helping your loved one",
    )
    family_name = StringField(
        "Family name on the cover", validators=[DataRequired(), Length(max=120)], filters=STRIP
    )
    modules = MultiCheckboxField(
        "Modules", coerce=int, validators=[DataRequired(message="Choose at least one module.")]
    )
    cover_letter = TextAreaField(
        "Cover letter (optional)", validators=optional_text(10_000), filters=[blank_to_none]
    )
    include_schedule = BooleanField("Include the upcoming session schedule")
    include_contacts = BooleanField("Include the contacts and crisis page", default=True)
