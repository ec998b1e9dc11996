"""Org units, cost centers, legal entities, workplaces and projects over real HTTP
against the fake: several pages each, both kinds of links, the chains, scopes."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

import personio_arrow as pio
from personio_arrow.testing import FakePersonio
from raw_fake import session

PAGE = 3


@pytest.fixture(scope="module", params=[False, True], ids=["absolute", "relative"])
def org(request):
    """A small company whose v2 catalogues come in pages of 3."""
    with FakePersonio(employees=20, seed=11, v2_list_page_cap=PAGE,
                      attendance_relative_links=request.param) as fake:
        yield fake


def raw_listing(fake: FakePersonio, path: str, **params) -> list[dict]:
    """Every item of a v2 listing as the fake sends it, following `next` by hand."""
    s = session(fake)
    url: str | None = f"{fake.url}{path}"
    items: list[dict] = []
    while url:
        body = s.get(url, params=params).json()
        items.extend(body["_data"])
        href = (body["_meta"]["links"].get("next") or {}).get("href")
        url, params = (href if href is None or href.startswith("http") else f"{fake.url}{href}"), {}
    return items


def test_org_units_come_whole_over_several_pages(org) -> None:
    for kind in ("department", "team"):
        before = org.stats()["by_route"].get("GET /v2/org-units", 0)
        table = org.client().org_units(kind).to_pyarrow()
        raw = raw_listing(org, "/v2/org-units", type=kind)
        assert table.num_rows == len(raw) > 2 * PAGE
        assert table["id"].to_pylist() == [u["id"] for u in raw]
        assert table["parent_id"].to_pylist() == [u["parent_id"] for u in raw]
        assert set(table["type"].to_pylist()) == {kind}
        pages = org.stats()["by_route"]["GET /v2/org-units"] - before
        assert pages == 2 * -(-len(raw) // PAGE), "pages of 3, for the client and the raw read"


def test_ancestor_ids_follow_the_parents_to_the_root(org) -> None:
    table = org.client().org_units("department").to_pyarrow()
    assert table.schema.field("ancestor_ids").type == pa.list_(pa.string())
    assert table.column_names == ["id", "type", "name", "abbreviation", "description",
                                  "parent_id", "ancestor_ids"]
    rows = table.to_pylist()
    by_id = {r["id"]: r for r in rows}
    by_name = {r["name"]: r for r in rows}
    for row in rows:
        chain = row["ancestor_ids"]
        assert (chain[-1] if chain else None) == row["parent_id"]
        assert chain == [] or by_id[chain[0]]["parent_id"] is None, "starts at a root"
        for parent, child in zip(chain, chain[1:]):
            assert by_id[child]["parent_id"] == parent
    names = [by_id[i]["name"] for i in by_name["Tracing"]["ancestor_ids"]]
    assert names == ["Engineering", "Platform Engineering", "Site Reliability", "Observability"]


def test_the_catalogues_have_their_columns(org) -> None:
    client = org.client()
    cost_centers = client.cost_centers().to_pyarrow()
    assert cost_centers.column_names == ["id", "name"]
    assert cost_centers.num_rows == len(raw_listing(org, "/v2/cost-centers")) == 6
    assert "Kostenstelle Nord" in cost_centers["name"].to_pylist()
    entities = client.legal_entities().to_pyarrow()
    assert entities.column_names == ["id", "name", "country"]
    assert sorted(entities["country"].to_pylist()) == ["CH", "DE", "ES", "GB"]
    ids = [int(i) for i in entities["id"].to_pylist()]
    assert ids == sorted(ids, reverse=True), "newest first, as listed"
    workplaces = client.workplaces().to_pyarrow()
    assert workplaces.num_rows == 6 and "Kraków" in workplaces["name"].to_pylist()


def test_projects_have_typed_columns(org) -> None:
    table = org.client().projects().to_pyarrow()
    types = {f.name: f.type for f in table.schema}
    assert types == {
        "id": pa.string(), "name": pa.string(), "project_code": pa.string(),
        "client_name": pa.string(), "billable": pa.bool_(), "cost_center_id": pa.string(),
        "parent_project_id": pa.string(), "status": pa.string(), "start_date": pa.date32(),
        "end_date": pa.date32(),
    }
    rows = {r["id"]: r for r in table.to_pylist()}
    assert rows["815"]["project_code"] == "0815"
    assert rows["5502"]["parent_project_id"] == "5501"
    assert rows["5502"]["end_date"] == dt.date(2025, 12, 31)
    assert rows["5504"]["billable"] is False and rows["5504"]["status"] == "INACTIVE"
    cost_centers = set(org.client().cost_centers().to_pyarrow()["id"].to_pylist())
    assert {r["cost_center_id"] for r in rows.values()} - {None} <= cost_centers


def test_the_fake_refuses_what_personio_refuses(org) -> None:
    s = session(org)
    assert s.get(f"{org.url}/v2/org-units").status_code == 400, "type is required"
    assert s.get(f"{org.url}/v2/org-units", params={"type": "office"}).status_code == 400
    assert s.get(f"{org.url}/v2/cost-centers", params={"limit": 101}).status_code == 400
    assert s.get(f"{org.url}/v2/legal-entities", params={"limit": 0}).status_code == 400
    sorted_names = raw_listing(org, "/v2/cost-centers", sort="-name")
    assert [c["name"] for c in sorted_names] == sorted((c["name"] for c in sorted_names), reverse=True)
    one = raw_listing(org, "/v2/legal-entities", country="GB")
    assert [e["name"] for e in one] == ["Demo UK Ltd"]


def test_a_bad_type_is_a_value_error_before_any_request(fake_factory) -> None:
    fake = fake_factory(employees=3)
    with pytest.raises(ValueError, match='type must be "department" or "team", got "Team"'):
        fake.client().org_units("Team")
    assert fake.stats()["requests"] == 0


def test_a_token_without_the_scope_is_refused(fake_factory) -> None:
    fake = fake_factory(employees=3, credentials=[{
        "client_id": "no-org", "client_secret": "s" * 20, "scopes": ["employees:read"]}])
    client = pio.Client("no-org", "s" * 20, base_url=fake.url)
    for read in (lambda: client.org_units("team"), client.cost_centers, client.legal_entities,
                 client.workplaces):
        with pytest.raises(pio.PermissionDeniedError):
            read()
