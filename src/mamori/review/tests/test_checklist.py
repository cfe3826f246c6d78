"""The checklist: the secretariat asks questions without code, scoped by consultation kind;
the department answers them; an unexpected or unexplained answer shows among the findings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from mamori import testing
from mamori.accounts.models import Role
from mamori.conftest import Personas
from mamori.consultations.models import Consultation, ConsultationKind
from mamori.consultations.tests.helpers import (
    EVERY_ROLE,
    audited,
    page_text,
    sends_to_sign_in,
    signed_in,
    url_of,
)
from mamori.review import pages, rules
from mamori.review.models import ChecklistAnswer, ChecklistQuestion

ANSWER = "review.answer_checklist"
Kind = ChecklistQuestion.AnswerKind


@pytest.fixture(autouse=True)
def only_r10() -> Iterator[None]:
    """Only R10 runs, so that the rules being written do not add findings to the pages."""
    rules.load_rules()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rules, "RULES", {"R10": rules.RULES["R10"]})
        yield


def kind(code: str) -> ConsultationKind:
    return ConsultationKind.objects.get(code=code)


def ask(text: str, *kinds: str, **fields: object) -> ChecklistQuestion:
    question = ChecklistQuestion.objects.create(text=text, **fields)
    question.kinds.set([kind(code) for code in kinds])
    return question


@pytest.fixture
def draft(personas: Personas) -> Consultation:
    """A draft outsourcing consultation of 障害支援課 with a record free of findings."""
    consultation = testing.make_consultation(personas.council, personas.shogai, status="draft")
    consultation.kinds.set([kind("outsourcing")])
    testing.make_version(consultation, by=personas.staff)
    return consultation


@pytest.fixture
def penalty(db: None) -> ChecklistQuestion:
    """Asked of outsourcing only; "yes" needs no explanation."""
    return ask(
        "委託先従事者に市職員と同等の罰則が適用されますか。",
        "outsourcing",
        expected_answer=True,
        order=1,
    )


def checklist_url(consultation: Consultation) -> str:
    return reverse(
        "review:checklist", kwargs={"council": consultation.council.slug, "key": consultation.key}
    )


class TestTheQuestionsAsked:
    def test_a_question_is_asked_of_its_kinds_and_of_no_other(
        self, personas: Personas, draft: Consultation, penalty: ChecklistQuestion
    ) -> None:
        provision = testing.make_consultation(personas.council, personas.shogai)
        provision.kinds.set([kind("external-provision")])
        assert list(pages.questions_for(draft)) == [penalty]
        assert list(pages.questions_for(provision)) == []

    def test_a_question_without_kinds_is_asked_of_every_consultation(
        self, personas: Personas, draft: Consultation
    ) -> None:
        everyone = ask("本人への通知は行いますか。", order=2)
        kindless = testing.make_consultation(personas.council, personas.shogai)
        assert list(pages.questions_for(draft)) == [everyone]
        assert list(pages.questions_for(kindless)) == [everyone]

    def test_a_question_of_several_kinds_is_asked_once(self, draft: Consultation) -> None:
        draft.kinds.add(kind("sub-outsourcing"))
        both = ask("再委託先の監督方法を定めていますか。", "outsourcing", "sub-outsourcing")
        assert list(pages.questions_for(draft)) == [both]

    def test_a_retired_question_is_no_longer_asked(
        self, draft: Consultation, penalty: ChecklistQuestion
    ) -> None:
        ChecklistQuestion.objects.filter(pk=penalty.pk).update(active=False)
        assert list(pages.questions_for(draft)) == []


class TestAnswering:
    def post(
        self, question: ChecklistQuestion, answer: str, explanation: str = ""
    ) -> dict[str, str]:
        return {f"q{question.pk}_answer": answer, f"q{question.pk}_explanation": explanation}

    def test_the_department_answers_and_it_is_audited(
        self, client: Client, personas: Personas, draft: Consultation, penalty: ChecklistQuestion
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            checklist_url(draft), self.post(penalty, "yes")
        )
        assert response.status_code == 302
        assert response["Location"] == checklist_url(draft)
        answer = ChecklistAnswer.objects.get(consultation=draft, question=penalty)
        assert (answer.answer, answer.explanation, answer.answered_by) == (
            True,
            "",
            personas.staff,
        )
        assert audited(ANSWER) == 1

    def test_a_changed_answer_is_updated_and_an_unchanged_one_is_not_written(
        self, client: Client, personas: Personas, draft: Consultation, penalty: ChecklistQuestion
    ) -> None:
        client = signed_in(client, personas, "staff")
        client.post(checklist_url(draft), self.post(penalty, "yes"))
        client.post(checklist_url(draft), self.post(penalty, "yes"))
        assert audited(ANSWER) == 1
        client.post(checklist_url(draft), self.post(penalty, "no", "契約約款で別途定める。"))
        answer = ChecklistAnswer.objects.get()
        assert (answer.answer, answer.explanation) == (False, "契約約款で別途定める。")
        assert audited(ANSWER) == 2

    def test_the_form_shows_only_the_questions_asked(
        self, client: Client, personas: Personas, draft: Consultation, penalty: ChecklistQuestion
    ) -> None:
        ask("提供先の同意手続はありますか。", "external-provision")
        response = signed_in(client, personas, "staff").get(checklist_url(draft))
        assert response.status_code == 200
        html = page_text(response)
        assert penalty.text in html
        assert "提供先の同意手続はありますか。" not in html
        assert f'name="q{penalty.pk}_answer"' in html

    def test_an_answer_to_a_question_not_asked_is_ignored(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        other = ask("提供先の同意手続はありますか。", "external-provision")
        signed_in(client, personas, "staff").post(checklist_url(draft), self.post(other, "yes"))
        assert not ChecklistAnswer.objects.exists()

    def test_a_choice_not_offered_is_refused_with_a_form_error(
        self, client: Client, personas: Personas, draft: Consultation, penalty: ChecklistQuestion
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            checklist_url(draft), self.post(penalty, "maybe")
        )
        assert response.status_code == 200
        assert response.context["form"].errors
        assert not ChecklistAnswer.objects.exists()

    def test_answers_are_not_changed_once_the_record_is_submitted(
        self, client: Client, personas: Personas, penalty: ChecklistQuestion
    ) -> None:
        submitted = testing.make_consultation(personas.council, personas.shogai)
        submitted.kinds.set([kind("outsourcing")])
        response = signed_in(client, personas, "staff").post(
            checklist_url(submitted), self.post(penalty, "yes")
        )
        assert response.status_code == 302
        assert not ChecklistAnswer.objects.exists()

    @pytest.mark.parametrize("role", [r for r in EVERY_ROLE if r != "staff"])
    def test_only_the_department_answers(
        self,
        client: Client,
        personas: Personas,
        draft: Consultation,
        penalty: ChecklistQuestion,
        role: str,
    ) -> None:
        response = signed_in(client, personas, role).post(
            checklist_url(draft), self.post(penalty, "yes")
        )
        assert response.status_code == 403
        assert not ChecklistAnswer.objects.exists()


class TestReadingTheAnswers:
    @pytest.fixture
    def answered(self, personas: Personas, penalty: ChecklistQuestion) -> Consultation:
        """An outsourcing consultation on a meeting's agenda, answered "no" with a reason."""
        consultation = testing.make_consultation(
            personas.council, personas.shogai, status=Consultation.Status.ON_AGENDA
        )
        consultation.kinds.set([kind("outsourcing")])
        testing.make_version(consultation, submitted=True, by=personas.staff)
        testing.put_on_agenda(testing.make_meeting(personas.council), consultation)
        pages.answer_checklist(
            actor=personas.staff,
            consultation=consultation,
            answers={penalty.pk: (False, "守秘義務違反は契約解除とする。")},
        )
        return consultation

    @pytest.mark.parametrize("role", ["secretariat", "staff", "member"])
    def test_the_council_and_the_department_read_the_answers(
        self, client: Client, personas: Personas, answered: Consultation, role: str
    ) -> None:
        response = signed_in(client, personas, role).get(checklist_url(answered))
        assert response.status_code == 200
        assert "守秘義務違反は契約解除とする。" in page_text(response)
        assert response.context["form"] is None

    @pytest.mark.parametrize("role", ["other_staff", "outsider_member", "contractor", "auditor"])
    def test_others_are_refused(
        self, client: Client, personas: Personas, answered: Consultation, role: str
    ) -> None:
        assert signed_in(client, personas, role).get(checklist_url(answered)).status_code == 403

    def test_signed_out_visitors_are_sent_to_sign_in(
        self, client: Client, answered: Consultation
    ) -> None:
        assert sends_to_sign_in(client.get(checklist_url(answered)))

    def test_an_unknown_consultation_is_not_found(self, client: Client, personas: Personas) -> None:
        url = reverse("review:checklist", kwargs={"council": "kojin", "key": "2009-999"})
        assert signed_in(client, personas, "secretariat").get(url).status_code == 404

    def test_an_unexpected_answer_shows_among_the_findings_with_its_explanation(
        self,
        client: Client,
        personas: Personas,
        answered: Consultation,
        penalty: ChecklistQuestion,
    ) -> None:
        response = signed_in(client, personas, "member").get(
            url_of("consultation_detail", answered)
        )
        items = response.context["prereview"].items
        assert [(i.rule, i.severity, i.explained) for i in items] == [
            (f"CHK-{penalty.pk}", "explain", True)
        ]
        assert "守秘義務違反は契約解除とする。" in page_text(response)


class TestChecklistItems:
    def items(self, consultation: Consultation) -> list[tuple[str, bool]]:
        return [(i.rule, i.explained) for i in pages.checklist_items(consultation)]

    def answer(
        self,
        personas: Personas,
        consultation: Consultation,
        question: ChecklistQuestion,
        answer: bool | None,
        explanation: str = "",
    ) -> None:
        pages.answer_checklist(
            actor=personas.staff,
            consultation=consultation,
            answers={question.pk: (answer, explanation)},
        )

    def test_the_expected_answer_raises_nothing(
        self, personas: Personas, draft: Consultation, penalty: ChecklistQuestion
    ) -> None:
        self.answer(personas, draft, penalty, True)
        assert self.items(draft) == []

    def test_an_unanswered_question_with_an_expected_answer_is_open(
        self, draft: Consultation, penalty: ChecklistQuestion
    ) -> None:
        assert self.items(draft) == [(f"CHK-{penalty.pk}", False)]

    def test_an_unexpected_answer_without_a_reason_is_open_and_with_one_explained(
        self, personas: Personas, draft: Consultation, penalty: ChecklistQuestion
    ) -> None:
        self.answer(personas, draft, penalty, False)
        assert self.items(draft) == [(f"CHK-{penalty.pk}", False)]
        self.answer(personas, draft, penalty, False, "理由")
        assert self.items(draft) == [(f"CHK-{penalty.pk}", True)]

    def test_a_question_asking_for_an_explanation_is_open_until_one_is_given(
        self, personas: Personas, draft: Consultation
    ) -> None:
        question = ask("作業場所の管理方法を説明してください。", answer_kind=Kind.EXPLAIN)
        assert len(self.items(draft)) == 1
        self.answer(personas, draft, question, None, "施錠された執務室で行う。")
        assert self.items(draft) == []

    def test_a_question_without_an_expected_answer_only_asks_what_its_kind_demands(
        self, personas: Personas, draft: Consultation
    ) -> None:
        question = ask("委託先を変更しますか。", answer_kind=Kind.YES_NO_EXPLAIN)
        self.answer(personas, draft, question, True)
        assert self.items(draft) == [(f"CHK-{question.pk}", False)]
        self.answer(personas, draft, question, True, "前年度と同じ事業者")
        assert self.items(draft) == []

    def test_checklist_items_never_block_submission(
        self, client: Client, personas: Personas, draft: Consultation, penalty: ChecklistQuestion
    ) -> None:
        response = signed_in(client, personas, "staff").post(url_of("consultation_submit", draft))
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.status == Consultation.Status.SUBMITTED

    def test_the_drafting_page_counts_the_open_checklist_items(
        self, client: Client, personas: Personas, draft: Consultation, penalty: ChecklistQuestion
    ) -> None:
        response = signed_in(client, personas, "staff").get(
            url_of("record_edit", draft, section="purpose")
        )
        assert response.context["review"].checklist_open == 1
        assert f'href="{checklist_url(draft)}"' in page_text(response)


class TestTheAdmin:
    @pytest.fixture
    def admin(self, client: Client, db: None) -> Client:
        client.force_login(testing.make_user(Role.SECRETARIAT, is_staff=True, is_superuser=True))
        return client

    def test_the_secretariat_adds_a_question_scoped_by_kind_without_code(
        self, admin: Client
    ) -> None:
        response = admin.post(
            reverse("admin:review_checklistquestion_add"),
            {
                "text": "修理時の守秘義務を定めていますか。",
                "help_text": "",
                "answer_kind": Kind.YES_NO,
                "expected_answer": "true",
                "kinds": [kind("outsourcing").pk],
                "order": "10",
                "active": "on",
            },
        )
        assert response.status_code == 302
        question = ChecklistQuestion.objects.get()
        assert [k.code for k in question.kinds.all()] == ["outsourcing"]
        assert question.expected_answer is True
        assert audited("admin.review.checklistquestion.create") == 1

    def test_the_secretariat_retires_a_question_and_cannot_delete_it(
        self, admin: Client, penalty: ChecklistQuestion
    ) -> None:
        change = reverse("admin:review_checklistquestion_change", args=[penalty.pk])
        assert admin.get(reverse("admin:review_checklistquestion_changelist")).status_code == 200
        response = admin.post(
            change,
            {
                "text": penalty.text,
                "help_text": "",
                "answer_kind": Kind.YES_NO,
                "expected_answer": "true",
                "kinds": [kind("outsourcing").pk],
                "order": "1",
            },
        )
        assert response.status_code == 302
        penalty.refresh_from_db()
        assert not penalty.active
        assert audited("admin.review.checklistquestion.update") == 1
        delete = reverse("admin:review_checklistquestion_delete", args=[penalty.pk])
        assert admin.post(delete, {"post": "yes"}).status_code == 403
        assert ChecklistQuestion.objects.filter(pk=penalty.pk).exists()
