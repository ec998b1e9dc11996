"""The client secret and tokens never reach a repr, a message or a warning."""

from __future__ import annotations

import re

import pytest

import personio_arrow as pio


def test_client_repr_shows_url_and_id_only(company) -> None:
    client = company.client()
    text = repr(client)
    assert company.url.rstrip("/") in text and company.client_id in text
    assert company.client_secret not in text
    assert company.client_secret not in repr(company)


def test_error_messages_hold_no_secret_or_token(fake_factory) -> None:
    fake = fake_factory(employees=5, server_errors=100)
    client = fake.client(max_retries=0)
    with pytest.raises(pio.ServerError) as caught:
        client.employees()
    tokens = fake.issued_tokens()  # the client's own, not one fetched on the side
    assert len(tokens) == 1
    error = caught.value
    for text in (str(error), repr(error), repr(error.__dict__)):
        assert fake.client_secret not in text
        assert tokens[0] not in text and tokens[0][5:13] not in text
        assert not re.search(r"papi-[0-9a-f]{8}", text)


def test_wrong_secret_is_not_echoed(company) -> None:
    secret = "wrong-but-secret-f00d"
    with pytest.raises(pio.AuthenticationError) as caught:
        pio.Client(company.client_id, secret, base_url=company.url).employees()
    assert secret not in str(caught.value) and secret not in repr(caught.value.__dict__)
