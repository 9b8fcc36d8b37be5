"""Form pieces shared by every area."""

import json
from dataclasses import dataclass
from datetime import date

from flask import flash, request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from markupsafe import Markup, escape
from wtforms import DateField as WTFormsDateField
from wtforms import FieldList as WTFormsFieldList
from wtforms import SelectMultipleField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError


class QuickSelect(widgets.Select):
    """A select whose options are written in one pass.

    A practice's list of staff runs to hundreds, and rendering each option
    through WTForms' attribute machinery cost more than the rest of the
    caseload page together.
    """

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        options = "".join(
            f'<option value="{escape(value)}"{" selected" if selected else ""}>'
            f"{escape(label)}</option>"
            for value, label, selected, *_ in field.iter_choices()
        )
        attributes = widgets.html_params(name=field.name, **kwargs)
        return Markup(f"<select {attributes}>{options}</select>")  # noqa: S704  all escaped


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class FieldList(WTFormsFieldList):
    """WTForms' FieldList, taking a row number from a field's name
    (`members-3-name`) only when it is written in ASCII digits. WTForms
    itself passes anything `str.isdigit()` accepts to `int()`, and "²" is a
    digit to the one but not the other: a 500."""

    def _extract_indices(self, prefix, formdata):
        offset = len(prefix) + 1
        for key in formdata:
            if key.startswith(prefix):
                number = whole_number(key[offset:].split(self._field_separator, 1)[0])
                if number is not None:
                    yield number


# The years a date typed in a form may fall in. Python takes year 1 and year
# 9999, but a time zone or a few days' arithmetic then overflows (a 500).
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2100, 12, 31)


class DateField(WTFormsDateField):
    """WTForms' DateField, refusing a year before 1900 or after 2100 with
    the form's own message."""

    def pre_validate(self, form):
        super().pre_validate(form)
        if isinstance(self.data, date) and not FIRST_DAY <= self.data <= LAST_DAY:
            raise ValidationError(f"Give a date between {FIRST_DAY.year} and {LAST_DAY.year}.")


class FilterForm(FlaskForm):
    """A GET form that changes nothing, so it carries no CSRF token."""

    class Meta:
        csrf = False


class KeptForm(FlaskForm):
    """A form whose text survives the session ending: subclass it instead of
    FlaskForm. Nothing else changes in the form or its view.

    When a form is posted after the user's session has ended, what it held
    (never a password or the CSRF token) is kept for that user and page
    (casework.auth.kept_forms); after signing in again they are sent back to
    that page by GET. There, the first KeptForm built from the request (no
    `formdata` given) whose fields match the kept ones fills itself from it
    exactly as from the original POST, the entry is removed, a message says
    so, and `form.restored` is True. A view that sets field values on GET
    after building the form (defaults, the record's version) should leave
    them alone when `form.restored`, so that what was typed wins.

    The page must be served by GET at the path the form posts to (the usual
    GET/POST view); a post to a path with no page is not kept.
    """

    restored = False

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            wrapped = super().wrap_formdata(form, formdata)
            if wrapped is None and formdata is _Auto and request.method == "GET":
                from casework.auth.kept_forms import take

                kept = take(form)
                if kept is not None:
                    form.restored = True
                    flash(
                        "You were signed out before this was saved. What you typed is "
                        "back in the form: check it, then save.",
                        "info",
                    )
                    return kept
            return wrapped


class ConfirmForm(FlaskForm):
    """A button that changes state (share, mark held, finish...): CSRF only.
    The one empty form; a form with fields of its own subclasses FlaskForm."""


def optional_text(max_length: int):
    return [Optional(), Length(max=max_length)]


def optional_field(max_length: int) -> dict:
    """A field's keywords for optional text: at most `max_length`, blank kept as None."""
    return {"validators": optional_text(max_length), "filters": [blank_to_none]}


def strip_text(value):
    """Surrounding spaces off what was typed (a WTForms filter)."""
    return value.strip() if isinstance(value, str) else value


STRIP = [strip_text]


def blank_to_none(value):
    if isinstance(value, str):
        value = value.strip()
    return value or None


def whole_number(text: str | None, most: int = 999_999) -> int | None:
    """The whole number written in `text` (ASCII digits, at most `most`), or
    None. `str.isdigit()` also accepts "²" and "١", which `int()` refuses or
    reads, and `int()` of a 5,000-digit number raises: neither reaches it."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(most)):
        return None
    number = int(text)
    return number if number <= most else None


# A record's id from a form or a query string is at most this: the largest
# value of PostgreSQL's integer (a larger one is an error there, not "none").
MAX_ID = 2**31 - 1


def loaded_values(text: str | None) -> dict:
    """What a record held when its edit page was loaded, as the page's hidden
    JSON field carried it back ({field: value}), for showing beside a stale
    save what someone else changed. {} for anything a page did not write:
    not JSON, not an object, nested deeper than the parser goes, values that
    are not plain text, numbers or lists of text, or text holding a lone
    surrogate (JSON's "\\ud800", which no page can be encoded with)."""
    try:
        value = json.loads(text or "{}")
    except (ValueError, RecursionError):
        return {}
    if not isinstance(value, dict):
        return {}
    kept = {}
    for name, held in value.items():
        items = held if isinstance(held, list) else [held]
        if all(_plain(item) for item in items) and _plain(name):
            kept[name] = held
    return kept


def _plain(value) -> bool:
    if isinstance(value, str):
        return value.isascii() or not any("\ud800" <= c <= "\udfff" for c in value)
    return value is None or isinstance(value, int | float)


# Beyond this a list's offset no longer fits the database's integers.
MAX_PAGE = 1_000_000


def page_number() -> int:
    """The list page asked for in ?page=, 1 when it is missing or not a number."""
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


def options(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs or a {value: label} dict."""
    items = pairs.items() if isinstance(pairs, dict) else pairs
    return [SelectChoice(value, label) for value, label in items]


@dataclass(frozen=True)
class Page:
    """A page of a list whose total is already known (no second COUNT)."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1
