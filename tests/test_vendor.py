"""The vendored JavaScript is what Altair's charts ask for, and the bundle skips the CDN."""

import json

import pytest

from conftest import ROOT
from herd.book import vendor


def test_locked_versions_match_what_altair_emits():
    checks = vendor.check_versions(ROOT)
    assert {c.package for c in checks} == {"vega", "vega-lite", "vega-embed"}
    for c in checks:
        assert c.compatible, str(c)


def test_version_check_catches_a_mismatch():
    assert not vendor.VersionCheck("vega-lite", "5.20.1", "6.4.1").compatible
    assert not vendor.VersionCheck("vega", "5.30.0", "6").compatible
    assert vendor.VersionCheck("vega", "6.2.0", "6").compatible


def test_package_json_pins_exact_versions():
    pins = json.loads((ROOT / "package.json").read_text())["dependencies"]
    assert all(v[0].isdigit() for v in pins.values()), pins
    assert pins == {k: v for k, v in vendor.locked_versions(ROOT).items() if k in pins}


@pytest.mark.npm
def test_bundle_presets_the_loader(tmp_path):
    out = vendor.vendor(ROOT, tmp_path)
    bundle = (out / vendor.BUNDLE_NAME).read_text()
    expected = vendor.altair_expected_versions()
    assert f'"vegalite_version": "{expected["vega-lite"]}"' in bundle
    assert "sourceMappingURL" not in bundle
    assert (out / vendor.MATHJAX_NAME).stat().st_size > 100_000


def test_config_loads_the_bundle_and_mathjax_locally():
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]
    assert f"vendor/{vendor.BUNDLE_NAME}" in config["html_js_files"]
    assert config["mathjax_path"] == f"vendor/{vendor.MATHJAX_NAME}"


@pytest.mark.npm
def test_axe_is_copied_at_the_locked_version_outside_the_book(tmp_path):
    out = vendor.vendor_axe(ROOT, tmp_path / "axe.min.js")
    assert out.read_text()[:40].startswith(f"/*! axe v{vendor.locked_versions(ROOT)['axe-core']}")
    assert not str(vendor.AXE_DEST).startswith("_static")  # a tool of the tests, not shipped with the book
