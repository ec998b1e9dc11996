"""Profile pictures over real HTTP against the fake: the bytes as sent, 404s, the
whitelist, the size bound, and the `pictures` command's folder."""

from __future__ import annotations

import os
import struct
import subprocess
import sys

import pytest

import personio_arrow as pio
from personio_arrow.testing import FakePersonio
from raw_fake import session


@pytest.fixture(scope="module")
def staff():
    with FakePersonio(employees=12, seed=4) as fake:
        yield fake


@pytest.fixture(scope="module")
def ids(staff) -> list[int]:
    return staff.client().employees(attributes=["id"]).to_pyarrow()["id"].to_pylist()


def raw_picture(fake: FakePersonio, employee_id: int, width: int | None = None):
    path = f"/v1/company/employees/{employee_id}/profile-picture"
    return session(fake).get(f"{fake.url}{path}" + (f"/{width}" if width else ""))


def test_the_bytes_come_back_as_sent(staff, ids) -> None:
    for employee_id in ids[:4]:
        for width in (None, 24):
            sent = raw_picture(staff, employee_id, width)
            assert sent.status_code == 200
            got = staff.client().profile_picture(employee_id, width=width)
            assert isinstance(got, bytes) and got == sent.content


def test_png_and_jpeg_with_their_extension(staff, ids) -> None:
    png, media, extension = staff.client().profile_picture_with_type(ids[0], width=32)
    assert (media, extension) == ("image/png", "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert struct.unpack(">II", png[16:24]) == (32, 32), "IHDR width and height"
    jpeg, media, extension = staff.client().profile_picture_with_type(ids[1])
    assert (media, extension) == ("image/jpeg", "jpg")
    assert jpeg.startswith(b"\xff\xd8") and jpeg.endswith(b"\xff\xd9")


def test_an_employee_without_a_picture_is_not_found(staff, ids) -> None:
    assert raw_picture(staff, ids[4]).status_code == 404
    with pytest.raises(pio.NotFoundError) as caught:
        staff.client().profile_picture(ids[4])
    assert caught.value.status == 404
    with pytest.raises(pio.NotFoundError):
        staff.client().profile_picture(999_999_999)


def test_the_whitelist_hides_the_picture(fake_factory) -> None:
    fake = fake_factory(employees=3, credentials=[{
        "client_id": "names-only", "client_secret": "w" * 20, "whitelist": ["first_name"]}])
    first = fake.client().employees(attributes=["id"]).to_pyarrow()["id"][0].as_py()
    assert fake.client().profile_picture(first)
    with pytest.raises(pio.NotFoundError):
        pio.Client("names-only", "w" * 20, base_url=fake.url).profile_picture(first)


def test_a_picture_larger_than_the_bound_is_refused(staff, ids) -> None:
    small = staff.client(max_response_bytes=1024)
    assert small.profile_picture(ids[0], width=8)
    with pytest.raises(pio.InvalidResponseError, match="max_response_bytes"):
        small.profile_picture(ids[0], width=200)  # 120 KB of pixels


@pytest.mark.parametrize("width", [0, -5])
def test_bad_arguments_fail_before_any_request(fake_factory, width) -> None:
    fake = fake_factory(employees=2)
    with pytest.raises(ValueError, match="width must be a positive number"):
        fake.client().profile_picture(1, width=width)
    with pytest.raises(ValueError, match="employee_id must be a positive integer"):
        fake.client().profile_picture(0)
    assert fake.stats()["requests"] == 0


def run_pictures(fake: FakePersonio, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PERSONIO_CLIENT_ID": fake.client_id,
           "PERSONIO_CLIENT_SECRET": fake.client_secret, "PERSONIO_BASE_URL": fake.url}
    return subprocess.run([sys.executable, "-m", "personio_arrow", "pictures", *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_the_command_fills_a_folder(staff, ids, tmp_path) -> None:
    out = tmp_path / "new" / "pictures"
    result = run_pictures(staff, "--out", str(out), "--width", "16")
    assert result.returncode == 0, result.stderr
    missing = [ids[4], ids[9]]
    assert "wrote 10 pictures" in result.stderr
    assert "2 employees have no picture" in result.stderr
    files = sorted(os.listdir(out))
    assert len(files) == 10
    for employee_id in ids:
        if employee_id in missing:
            assert not any(f.startswith(f"{employee_id}.") for f in files)
            continue
        data, _, extension = staff.client().profile_picture_with_type(employee_id, width=16)
        assert (out / f"{employee_id}.{extension}").read_bytes() == data


def test_the_command_keeps_existing_files_and_never_writes_through_links(
        staff, ids, tmp_path) -> None:
    out = tmp_path / "pictures"
    out.mkdir()
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me")
    (out / f"{ids[0]}.png").symlink_to(outside)
    (out / f"{ids[2]}.png").write_bytes(b"mine")
    chosen = f"{ids[0]},{ids[2]},{ids[3]}"
    kept = run_pictures(staff, "--out", str(out), "--employees", chosen)
    assert kept.returncode == 0, kept.stderr
    assert "wrote 1 pictures" in kept.stderr and "2 files were already there" in kept.stderr
    assert (out / f"{ids[2]}.png").read_bytes() == b"mine"
    replaced = run_pictures(staff, "--out", str(out), "--employees", chosen, "--overwrite")
    assert replaced.returncode == 0, replaced.stderr
    assert outside.read_text() == "keep me", "the link was replaced, not written through"
    assert not (out / f"{ids[0]}.png").is_symlink()
    assert (out / f"{ids[0]}.png").read_bytes() == staff.client().profile_picture(ids[0])
