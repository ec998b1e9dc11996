"""A v1 custom report built from the spec's own examples (the `*Attribute` schemas of
personio-personnel-data-api-oa3.yaml) and OBSERVED.md's page fields."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

REPORT = "eb7482f3-2323-43e2-87ed-99d2399e8e22"

# attribute_id, human_readable, data_type, the spec's example cell (data_type and
# employee_id added as the item schemas carry them).
SPEC_CELLS = [
    ("first_name", "First Name", "TEXT", {"value": "Robert"}),
    ("department", "Department", "ENTITY", {"entity_id": 1, "value": "IT"}),
    ("attendance_contractual_target_hours", "Target hours", "DURATION", {"duration": 10}),
    (
        "cost_center",
        "Cost center",
        "COST_CENTER",
        {"cost_centers": [{"cost_center_id": 1, "value": "Test Center", "weight": "100%"}]},
    ),
    ("salary_123", "Salary", "SALARY", {"amount": 12.2, "currency_symbol": "$"}),
    (
        "ABCXXX",
        "Compensation",
        "COMPENSATION",
        {
            "amount": 12.2,
            "currency_code": "USD",
            "currency_symbol": "$",
            "overtime_hours": 12,
            "bonus_type": "MAX",
        },
    ),
    (
        "absence_123",
        "Vacation",
        "ABSENCE_OVERVIEW",
        {"start_date": "2022-03-01", "end_date": "2022-03-03", "duration_days": 2, "duration_hours": 5},
    ),
    (
        "absence_123:periods",
        "Vacation periods",
        "ABSENCE_PERIOD",
        {
            "start_date": "2022-03-01",
            "end_date": "2022-03-03",
            "half_day_at_start": True,
            "half_day_at_end": False,
        },
    ),
    (
        "performance_target_name",
        "Targets",
        "PERFORMANCE_TARGET",
        {"performance_targets": [{"performance_target_id": 1, "performance_target_value": 20}]},
    ),
    (
        "performance_kpi_name",
        "KPIs",
        "PERFORMANCE_KPI",
        # The spec's PerformanceKpiAttribute items are PerformanceTarget objects.
        {"performance_target_kpis": [{"performance_target_id": 1, "performance_target_value": 20}]},
    ),
]


def serve(replay) -> None:
    info = {
        "id": REPORT,
        "name": "Employee vacations past month",
        "type": "point_in_time",
        "status": "up_to_date",
        "columns": [c[0] for c in SPEC_CELLS],
        "archival_status": "live",
        "archived_at": None,
    }
    replay.add("GET", "/v1/company/custom-reports/reports",
               {"success": True, "data": [{"type": "Report", "attributes": info}]})
    replay.add("GET", "/v1/company/custom-reports/columns", {"success": True, "data": {
        "attributes": [
            {"attribute_id": a, "human_readable": h, "data_type": t} for a, h, t, _ in SPEC_CELLS
        ]}})
    cells = [
        {"attribute_id": a, "data_type": t, "employee_id": 17, **c} for a, _, t, c in SPEC_CELLS
    ]
    page = {
        "success": True,
        "metadata": {"total_elements": 1, "current_page": 1, "total_pages": 1},
        # OBSERVED.md: report pages carry offset and limit 0.
        "offset": 0,
        "limit": 0,
        "data": [{"type": "Report", "attributes": {
            **info, "items": [{"employee_id": 17, "attributes": cells}]}}],
    }
    replay.add("GET", f"/v1/company/custom-reports/reports/{REPORT}", page)


def test_spec_cells_read_to_the_last_value(replay, client) -> None:
    serve(replay)
    table = client.custom_report(REPORT, api="v1").to_pyarrow()
    assert table.num_rows == 1
    row = {name: table[name][0].as_py() for name in table.column_names}
    assert row == {
        "employee_id": 17,
        "first_name": "Robert",
        "department_id": "1",
        "department_name": "IT",
        "attendance_contractual_target_hours": 10.0,
        "cost_center": [{"id": 1, "name": "Test Center", "weight": 100.0}],
        "salary_123": 12.2,
        "salary_123_currency_symbol": "$",
        "ABCXXX": 12.2,
        "ABCXXX_currency": "USD",
        "ABCXXX_overtime_hours": 12.0,
        "ABCXXX_bonus_type": "MAX",
        "absence_123_start_date": dt.date(2022, 3, 1),
        "absence_123_end_date": dt.date(2022, 3, 3),
        "absence_123_days": 2.0,
        "absence_123_hours": 5.0,
        "absence_123:periods": [
            {
                "start_date": dt.date(2022, 3, 1),
                "end_date": dt.date(2022, 3, 3),
                "half_day_at_start": True,
                "half_day_at_end": False,
            }
        ],
        "performance_target_name": [{"id": "1", "value": 20.0}],
        "performance_kpi_name": [{"target_id": "1", "kpi_id": None, "value": 20.0}],
    }
    assert table.schema.field("department_id").type == pa.string()
