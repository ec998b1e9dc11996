"""Org listings and profile pictures from bodies we did not write: V2_NOTES' observed
org unit and cost center items, the spec's picture 404, read through a real client with
expected values written by hand; and servers that lie about their paging or their
tree."""

from __future__ import annotations

import datetime as dt

import pytest

import personio_arrow as pio

ORG_UNITS = "/v2/org-units"
# V2_NOTES 6, verbatim.
PAYROLL = {"id": "4411", "type": "team", "name": "Payroll", "abbreviation": "PAY",
           "description": None, "parent_id": "310"}
SALES_DE = {"id": "9001", "name": "Sales DE"}
# The spec's 404 for a missing picture, verbatim.
NO_PICTURE = {"success": False, "error": {"code": 404, "message": "Etwas ist schiefgelaufen ..."}}
PICTURE = "/v1/company/employees/71002/profile-picture"


def page(items: list[dict], next_href: str | None = None) -> dict:
    links: dict = {"self": {"href": "https://api.personio.de/v2/x"}}
    if next_href:
        links["next"] = {"href": next_href}
    return {"_data": items, "_meta": {"links": links}}


def unit(ident: str, name: str, parent: str | None) -> dict:
    return {"id": ident, "type": "team", "name": name, "abbreviation": None,
            "description": "Zahlungen & Löhne", "parent_id": parent}


def test_the_observed_org_unit_with_its_parents_on_later_pages(replay, client) -> None:
    # Payroll first; its parent and grandparent behind an absolute, then a relative link.
    replay.add("GET", ORG_UNITS, page([PAYROLL], f"{replay.url}{ORG_UNITS}/2?cursor=b3Jn"))
    replay.add("GET", f"{ORG_UNITS}/2", page([unit("310", "Finance", "12")], f"{ORG_UNITS}/3?cursor=Mw"))
    replay.add("GET", f"{ORG_UNITS}/3", page([unit("12", "Back office", None)]))
    table = client.org_units("team").to_pyarrow()
    assert table.to_pydict() == {
        "id": ["4411", "310", "12"],
        "type": ["team", "team", "team"],
        "name": ["Payroll", "Finance", "Back office"],
        "abbreviation": ["PAY", None, None],
        "description": [None, "Zahlungen & Löhne", "Zahlungen & Löhne"],
        "parent_id": ["310", "12", None],
        "ancestor_ids": [["12", "310"], ["12"], []],
    }
    first = [q for _, p, q in replay.requests if p == ORG_UNITS]
    assert first == [{"type": "team", "include_parent_chain": "true", "limit": "100"}]
    assert [q for _, p, q in replay.requests if p == f"{ORG_UNITS}/3"] == [{"cursor": "Mw"}]


def test_a_parent_the_listing_lacks_ends_the_chain(replay, client) -> None:
    replay.add("GET", ORG_UNITS, page([PAYROLL]))
    table = client.org_units("team").to_pyarrow()
    assert table["ancestor_ids"].to_pylist() == [["310"]]


def test_parents_in_a_cycle_are_an_error(replay, client) -> None:
    replay.add("GET", ORG_UNITS, page([unit("1", "A", "2"), unit("2", "B", "1")]))
    with pytest.raises(pio.InvalidResponseError, match="cycle"):
        client.org_units("team")


def test_the_observed_cost_center(replay, client) -> None:
    replay.add("GET", "/v2/cost-centers", page([SALES_DE]))
    assert client.cost_centers().to_pyarrow().to_pydict() == {"id": ["9001"], "name": ["Sales DE"]}


def test_legal_entities_and_workplaces_with_fields_we_do_not_read(replay, client) -> None:
    replay.add("GET", "/v2/legal-entities", page([
        {"id": "12", "name": "Acme GmbH", "country": "DE", "registration": {"number": "HRB 1"}},
        {"id": 13, "name": "Acme Ltd"}]))
    replay.add("GET", "/v2/workplaces", page([{"id": "880", "name": "München"}]))
    assert client.legal_entities().to_pyarrow().to_pydict() == {
        "id": ["12", "13"], "name": ["Acme GmbH", "Acme Ltd"], "country": ["DE", None]}
    assert client.workplaces().to_pyarrow().to_pydict() == {"id": ["880"], "name": ["München"]}


def test_a_project_with_the_observed_fields(replay, client) -> None:
    replay.add("GET", "/v2/projects", page([
        {"id": "5521", "name": "Rollout", "project_code": "0815", "client_name": "ACME",
         "billable": True, "cost_center": {"id": "9001"}, "parent_project": None,
         "status": "ACTIVE", "start": {"date": "2025-01-01"}, "end": None},
        {"id": "5522", "name": "Rollout, phase 2", "project_code": None, "client_name": None,
         "billable": False, "cost_center": None, "parent_project": {"id": "5521"},
         "status": "INACTIVE", "start": None, "end": {"date": "2025-06-30"}}]))
    assert client.projects().to_pyarrow().to_pydict() == {
        "id": ["5521", "5522"],
        "name": ["Rollout", "Rollout, phase 2"],
        "project_code": ["0815", None],
        "client_name": ["ACME", None],
        "billable": [True, False],
        "cost_center_id": ["9001", None],
        "parent_project_id": [None, "5521"],
        "status": ["ACTIVE", "INACTIVE"],
        "start_date": [dt.date(2025, 1, 1), None],
        "end_date": [None, dt.date(2025, 6, 30)],
    }


def test_a_repeated_next_link_is_an_error(replay, client) -> None:
    replay.add("GET", "/v2/cost-centers", page([SALES_DE], f"{replay.url}/v2/cost-centers?cursor=same"))
    with pytest.raises(pio.InvalidResponseError, match="came twice"):
        client.cost_centers()
    assert len(replay.requests) <= 4  # token, first page, the link once, nothing more


def test_a_record_on_two_pages_is_an_error(replay, client) -> None:
    replay.add("GET", ORG_UNITS, page([PAYROLL], f"{ORG_UNITS}/2?cursor=x"))
    replay.add("GET", f"{ORG_UNITS}/2", page([PAYROLL]))
    with pytest.raises(pio.InvalidResponseError, match="came twice"):
        client.org_units("team")


def test_picture_bytes_round_trip(replay, client) -> None:
    image = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    replay.add("GET", PICTURE, image, headers={"Content-Type": "image/png"})
    replay.add("GET", f"{PICTURE}/64", b"\xff\xd8 small \xff\xd9",
               headers={"Content-Type": "image/jpeg"})
    assert client.profile_picture(71002) == image
    assert client.profile_picture_with_type(71002, width=64) == (
        b"\xff\xd8 small \xff\xd9", "image/jpeg", "jpg")


def test_the_spec_404_is_not_found_with_its_message(replay, client) -> None:
    replay.add("GET", PICTURE, NO_PICTURE, status=404)
    with pytest.raises(pio.NotFoundError) as caught:
        client.profile_picture(71002)
    assert caught.value.message == "Etwas ist schiefgelaufen ..."


def test_a_body_that_is_not_an_image_is_refused(replay, client) -> None:
    replay.add("GET", PICTURE, {"success": True, "data": "nothing here"})
    with pytest.raises(pio.InvalidResponseError, match="expected an image"):
        client.profile_picture(71002)
    replay.add("GET", PICTURE, b"", headers={"Content-Type": "image/png"})
    with pytest.raises(pio.InvalidResponseError, match="empty"):
        client.profile_picture(71002)
