"""GET /me tells the web app who is signed in, and whether they are staff (who may open
the contract monitoring dashboard)."""

from typing import Any

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("is_staff", [False, True])
def test_me_says_whether_the_user_is_staff(client_factory: Any, is_staff: bool) -> None:
    user = UserFactory(is_staff=is_staff)
    response = client_factory(user).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json() == {
        "id": str(user.id),
        "name": user.name,
        "email": user.email,
        "is_staff": is_staff,
    }
