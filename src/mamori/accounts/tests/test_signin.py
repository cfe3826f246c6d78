"""Signing in and out: the Japanese page, Argon2 hashes, the lock after repeated failures."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from mamori import settings as project_settings
from mamori import testing
from mamori.accounts.models import Department, Role, User

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
LOGOUT_URL = "/accounts/logout/"
WRONG_PASSWORD = "not-the-password-1"


@pytest.fixture
def user() -> User:
    return testing.make_user(Role.SECRETARIAT, username="tanaka", display_name="田中 花子")


def sign_in(client: Client, username: str, password: str, **extra: str) -> object:
    return client.post(LOGIN_URL, {"username": username, "password": password, **extra})


def is_signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


class TestTheSignInPage:
    def test_has_the_urls_named_in_the_settings(self) -> None:
        assert reverse("accounts:login") == LOGIN_URL
        assert reverse("accounts:logout") == LOGOUT_URL
        assert reverse(settings.LOGIN_URL) == LOGIN_URL

    def test_shows_japanese_labels_and_a_sign_in_button(self, client: Client) -> None:
        response = client.get(LOGIN_URL)
        assert response.status_code == 200
        html = response.content.decode()
        assert "<title>ログイン |" in html
        assert '<label for="id_username">ユーザー名' in html
        assert '<label for="id_password">パスワード' in html
        assert '<button type="submit" class="button">ログイン</button>' in html

    def test_puts_the_cursor_on_the_username_and_lets_password_managers_fill_in(
        self, client: Client
    ) -> None:
        response = client.get(LOGIN_URL)
        form = response.context["form"]
        assert form["username"].field.widget.attrs["autofocus"] is True
        html = response.content.decode()
        assert 'autocomplete="username"' in html
        assert 'autocomplete="current-password"' in html
        assert "autofocus" in html


class TestSigningIn:
    def test_good_credentials_sign_in_and_go_to_the_home_page(
        self, client: Client, user: User
    ) -> None:
        response = sign_in(client, "tanaka", testing.PASSWORD)
        assert response.status_code == 302
        assert response.url == reverse("core:home")
        assert client.session[SESSION_KEY] == str(user.pk)

    def test_a_wrong_password_shows_a_japanese_error_and_the_form_again(
        self, client: Client, user: User
    ) -> None:
        response = sign_in(client, "tanaka", WRONG_PASSWORD)
        assert response.status_code == 200
        html = response.content.decode()
        assert "ログインできませんでした" in html
        assert "ユーザー名またはパスワードが正しくありません" in html
        assert 'role="alert"' in html
        assert 'name="password"' in html
        assert 'value="tanaka"' in html
        assert not is_signed_in(client)

    def test_a_missing_field_is_named_in_japanese(self, client: Client) -> None:
        response = sign_in(client, "", "")
        assert response.status_code == 200
        assert "このフィールドは必須です" in response.content.decode()

    def test_a_safe_next_page_is_followed_after_signing_in(
        self, client: Client, user: User
    ) -> None:
        response = sign_in(client, "tanaka", testing.PASSWORD, next="/admin/")
        assert response.url == "/admin/"

    def test_a_next_page_on_another_site_is_ignored(self, client: Client, user: User) -> None:
        response = sign_in(client, "tanaka", testing.PASSWORD, next="https://evil.example/")
        assert response.url == reverse("core:home")

    def test_someone_already_signed_in_goes_straight_on(self, client: Client, user: User) -> None:
        client.force_login(user)
        response = client.get(LOGIN_URL)
        assert response.status_code == 302
        assert response.url == reverse("core:home")

    def test_an_inactive_account_cannot_sign_in(self, client: Client, user: User) -> None:
        user.is_active = False
        user.save()
        response = sign_in(client, "tanaka", testing.PASSWORD)
        assert response.status_code == 200
        assert not is_signed_in(client)


class TestTheLockAfterRepeatedFailures:
    def test_five_failed_attempts_lock_the_account_even_with_the_right_password(
        self, client: Client, user: User
    ) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "tanaka", WRONG_PASSWORD)
        response = sign_in(client, "tanaka", testing.PASSWORD)
        assert response.status_code == 429
        assert not is_signed_in(client)

    def test_the_locked_page_says_why_and_when_to_try_again_in_japanese(
        self, client: Client, user: User
    ) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "tanaka", WRONG_PASSWORD)
        response = sign_in(client, "tanaka", testing.PASSWORD)
        html = response.content.decode()
        assert "accounts/locked.html" in [t.name for t in response.templates]
        assert "<title>アカウントのロック |" in html
        assert "続けて失敗した" in html
        assert "一時的にロックしました" in html
        assert "最後に失敗してから30分" in html

    def test_four_failures_still_leave_the_account_open(self, client: Client, user: User) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            sign_in(client, "tanaka", WRONG_PASSWORD)
        response = sign_in(client, "tanaka", testing.PASSWORD)
        assert response.status_code == 302
        assert is_signed_in(client)

    def test_the_lock_is_per_account_so_colleagues_can_still_sign_in(
        self, client: Client, user: User
    ) -> None:
        testing.make_user(Role.SECRETARIAT, username="suzuki")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "tanaka", WRONG_PASSWORD)
        response = sign_in(client, "suzuki", testing.PASSWORD)
        assert response.status_code == 302
        assert is_signed_in(client)


class TestPasswords:
    def test_are_hashed_with_argon2(self, user: User) -> None:
        user.refresh_from_db()
        assert user.password.startswith("argon2")
        assert user.check_password(testing.PASSWORD)

    def test_use_argon2_first_in_the_project_settings(self) -> None:
        # The test suite swaps in a cheap Argon2 (conftest); production must not.
        assert project_settings.PASSWORD_HASHERS[0] == (
            "django.contrib.auth.hashers.Argon2PasswordHasher"
        )


class TestSigningOut:
    def test_needs_post_so_a_link_cannot_sign_anyone_out(self, client: Client, user: User) -> None:
        client.force_login(user)
        response = client.get(LOGOUT_URL)
        assert response.status_code == 405
        assert is_signed_in(client)

    def test_by_post_signs_out_and_returns_to_the_sign_in_page(
        self, client: Client, user: User
    ) -> None:
        client.force_login(user)
        response = client.post(LOGOUT_URL)
        assert response.status_code == 302
        assert response.url == LOGIN_URL
        assert not is_signed_in(client)


class TestTheAdminPages:
    @pytest.fixture
    def admin_client_(self, client: Client) -> Client:
        client.force_login(User.objects.create_superuser("kanri", password=testing.PASSWORD))
        return client

    def test_list_departments_as_a_tree_by_full_name(self, admin_client_: Client) -> None:
        fukushi = testing.make_department("健康福祉部")
        somu = testing.make_department("総務部")
        testing.make_department("情報公開係", parent=testing.make_department("総務課", parent=somu))
        testing.make_department("障害支援課", parent=fukushi)
        response = admin_client_.get(reverse("admin:accounts_department_changelist"))
        assert response.status_code == 200
        shown = [str(d) for d in response.context["cl"].result_list]
        assert shown == [
            "健康福祉部",
            "健康福祉部障害支援課",
            "総務部",
            "総務部総務課",
            "総務部総務課情報公開係",
        ]

    def test_show_a_persons_name_title_role_and_department(
        self, admin_client_: Client, user: User
    ) -> None:
        response = admin_client_.get(reverse("admin:accounts_user_change", args=[user.pk]))
        assert response.status_code == 200
        form = response.context["adminform"].form
        for name in ("display_name", "title", "role", "department"):
            assert name in form.fields

    def test_add_a_department_staff_member_with_their_department(
        self, admin_client_: Client
    ) -> None:
        ka = testing.make_department("障害支援課", parent=testing.make_department("健康福祉部"))
        response = admin_client_.post(
            reverse("admin:accounts_user_add"),
            {
                "username": "yamada",
                "usable_password": "true",
                "password1": testing.PASSWORD,
                "password2": testing.PASSWORD,
                "display_name": "山田 太郎",
                "title": "主任",
                "role": Role.DEPARTMENT_STAFF,
                "department": ka.pk,
            },
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        person = User.objects.get(username="yamada")
        assert person.department == ka
        assert person.password.startswith("argon2")
        assert Department.objects.count() == 2
