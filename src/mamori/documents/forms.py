"""Forms of the secretariat's marking pages: words to withhold, and which materials to publish."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mamori.council.models import DisclosureGround
from mamori.documents.redaction import Material
from mamori.documents.services import MAX_WITHHELD_LENGTH

PUBLISH = "publish"
WITHHOLD = "withhold"


def active_grounds() -> Any:
    return DisclosureGround.objects.filter(active=True)


class RedactionForm(forms.Form):
    """Words of the minutes to withhold, and the ground cited after the mark."""

    text = forms.CharField(
        label=_("Words to withhold"),
        max_length=MAX_WITHHELD_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Every occurrence in the minutes is replaced by ■■■ and the ground, "
            "full-width and half-width characters alike."
        ),
    )
    ground = forms.ModelChoiceField(label=_("Ground for non-disclosure"), queryset=active_grounds())
    # Set by the confirmation step for very short or frequent words.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class MaterialsForm(forms.Form):
    """For each material of the meeting: published, or withheld with a ground."""

    reason = forms.CharField(
        label=_("Reason for not publishing materials (added to the grounds)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The minutes say which materials are published, from the choices above; "
            "for the materials withheld they give the grounds and this reason."
        ),
    )

    def __init__(
        self,
        *args: Any,
        materials: list[Material],
        reason: str = "",
        locked: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.materials = materials
        self.fields["reason"].initial = reason
        grounds = {g.article: g for g in active_grounds()}
        for material in materials:
            self.fields[self.choice_name(material)] = forms.ChoiceField(
                label=material.title,
                choices=[(PUBLISH, _("Publish")), (WITHHOLD, _("Withhold"))],
                widget=forms.RadioSelect,
                initial=PUBLISH if material.disclosed else WITHHOLD,
            )
            self.fields[self.ground_name(material)] = forms.ModelChoiceField(
                label=_("Ground for withholding %(title)s") % {"title": material.title},
                queryset=active_grounds(),
                required=False,
                initial=grounds.get(material.ground),
            )
        # Published minutes: the choices are shown as they stand, and cannot be sent.
        for form_field in self.fields.values():
            form_field.disabled = locked

    @staticmethod
    def choice_name(material: Material) -> str:
        return f"material_{material.attachment_id}"

    @staticmethod
    def ground_name(material: Material) -> str:
        return f"ground_{material.attachment_id}"

    @staticmethod
    def row_id(material: Material) -> str:
        return f"material-row-{material.attachment_id}"

    def error_links(self) -> list[tuple[str, str, str]]:
        """(anchor, material title, message) for each error of a row, for the summary."""
        links = []
        for material in self.materials:
            for name in (self.choice_name(material), self.ground_name(material)):
                for error in self.errors.get(name, []):
                    links.append((self.row_id(material), material.title, str(error)))
        return links

    def rows(self) -> list[tuple[Material, forms.BoundField, forms.BoundField]]:
        """Each material with its two fields, for the page's table."""
        return [(m, self[self.choice_name(m)], self[self.ground_name(m)]) for m in self.materials]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for material in self.materials:
            withheld = data.get(self.choice_name(material)) == WITHHOLD
            if withheld and not data.get(self.ground_name(material)):
                self.add_error(
                    self.ground_name(material), _("Choose the ground for withholding the material.")
                )
        return data

    def decisions(self) -> list[tuple[int, bool, DisclosureGround | None]]:
        """(attachment id, published?, ground) for each material, once the form is valid."""
        return [
            (
                m.attachment_id,
                self.cleaned_data[self.choice_name(m)] == PUBLISH,
                self.cleaned_data.get(self.ground_name(m)),
            )
            for m in self.materials
        ]
