"""`make pdf` without Chromium says so at once, before building anything (the PDF's own tests, which
need Chromium, are in test_pdf.py)."""

import time

import pytest

from herd.book import build, editions, pdf


def test_a_missing_chromium_stops_make_pdf_before_anything_is_built(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "chromium", lambda: None)

    def built(*args, **kwargs):
        raise AssertionError("something was built before the check for Chromium")

    for name in ("jupyter_book", "build_lock"):
        monkeypatch.setattr(build, name, built)
    start = time.monotonic()
    with pytest.raises(pdf.PdfError, match="printed with Chromium, which is not installed: install Debian's"):
        editions.build_site(tmp_path, tmp_path / "site", with_pdf=True, only=["dev"])
    assert time.monotonic() - start < 2
    assert editions.main(["--root", str(tmp_path), "build", "--only", "dev"]) == 1


def test_the_check_returns_the_browser_it_found(monkeypatch):
    monkeypatch.setattr(pdf, "chromium", lambda: "/usr/bin/chromium")
    assert pdf.require_chromium() == "/usr/bin/chromium"
