"""Forms of the pre-review pages: an explanation of a finding, and the checklist's answers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mamori.review import pages
from mamori.review.models import ChecklistAnswer, ChecklistQuestion

TEXT_LIMIT = 4000
YES_NO = [("yes", _("Yes")), ("no", _("No"))]
FROM_CHOICE = {"yes": True, "no": False, "": None}
TO_CHOICE = {True: "yes", False: "no"}


class FindingForm(forms.Form):
    """Which finding: its key (rule, path of the field, hash of the message)."""

    key = forms.CharField(max_length=255)


class ExplanationForm(FindingForm):
    """The department's explanation of a finding it will not (or cannot) fix."""

    text = forms.CharField(
        label=_("Explanation for the council"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the explanation.")},
    )
    next = forms.CharField(required=False, max_length=500)


class ChecklistForm(forms.Form):
    """The department's answers to the checklist questions asked of one consultation."""

    def __init__(
        self,
        data: Any = None,
        *,
        questions: list[ChecklistQuestion],
        answers: dict[int, ChecklistAnswer],
    ) -> None:
        super().__init__(data)
        self.questions = questions
        for question in questions:
            answer = answers.get(question.pk)
            if pages.asks_yes_no(question):
                chosen = "" if answer is None or answer.answer is None else TO_CHOICE[answer.answer]
                self.fields[f"q{question.pk}_answer"] = forms.ChoiceField(
                    label=question.text,
                    choices=YES_NO,
                    required=False,
                    widget=forms.RadioSelect,
                    initial=chosen,
                    help_text=question.help_text,
                )
            explain_label = (
                _("Explanation: %(question)s") % {"question": question.text}
                if pages.asks_yes_no(question)
                else question.text
            )
            self.fields[f"q{question.pk}_explanation"] = forms.CharField(
                label=explain_label,
                required=False,
                max_length=TEXT_LIMIT,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=answer.explanation if answer is not None else "",
                help_text="" if pages.asks_yes_no(question) else question.help_text,
            )

    def answers(self) -> dict[int, tuple[bool | None, str]]:
        """Question id → (answer, explanation), from the cleaned data."""
        data = self.cleaned_data
        return {
            q.pk: (
                FROM_CHOICE.get(data.get(f"q{q.pk}_answer") or ""),
                (data.get(f"q{q.pk}_explanation") or "").strip(),
            )
            for q in self.questions
        }
