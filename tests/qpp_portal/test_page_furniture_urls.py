"""The links and static files every page shows, worked out once per process."""

import pytest
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.template.loader import render_to_string
from django.urls import reverse, set_script_prefix
from django.utils.safestring import mark_safe

from qpp_portal.staticfiles import PortalStaticFilesStorage
from qpp_portal.templatetags import page_urls
from qpp_portal.templatetags.page_urls import page_url


@pytest.fixture
def root_prefix():
    yield
    set_script_prefix("/")


def test_page_url_is_the_url_the_url_tag_gives():
    assert page_url("accounts:sign_in") == reverse("accounts:sign_in")


def test_page_url_follows_the_script_prefix_the_portal_is_served_under(root_prefix):
    at_root = page_url("accounts:sign_in")
    set_script_prefix("/portal/")
    assert page_url("accounts:sign_in") == "/portal" + at_root


def test_page_url_with_arguments_is_the_url_the_url_tag_gives():
    assert page_url("feedback:download", 7, 2025) == reverse("feedback:download", args=[7, 2025])


def test_page_url_with_arguments_follows_the_script_prefix(root_prefix):
    at_root = page_url("roles:organization", 7)
    set_script_prefix("/portal/")
    assert page_url("roles:organization", 7) == "/portal" + at_root


def test_a_url_with_arguments_is_worked_out_once_per_process(monkeypatch):
    asked = []
    real_reverse = page_urls.reverse
    monkeypatch.setattr(
        page_urls, "reverse", lambda *a, **kw: asked.append(kw["args"]) or real_reverse(*a, **kw)
    )
    page_urls._page_url.cache_clear()
    assert page_url("roles:revoke", 3, 41) == page_url("roles:revoke", 3, 41)
    assert page_url("roles:revoke", 3, 42) == reverse("roles:revoke", args=[3, 42])
    assert asked == [(3, 41), (3, 42)]


def test_an_argument_neither_number_nor_text_is_reversed_every_time(monkeypatch):
    asked = []
    real_reverse = page_urls.reverse
    monkeypatch.setattr(
        page_urls, "reverse", lambda *a, **kw: asked.append(kw["args"]) or real_reverse(*a, **kw)
    )
    marked = mark_safe("7")  # a str subclass: only plain numbers and text are remembered
    assert page_url("roles:organization", marked) == reverse("roles:organization", args=[7])
    assert page_url("roles:organization", marked) == reverse("roles:organization", args=[7])
    assert asked == [(marked,), (marked,)]


def test_an_error_page_drawn_without_a_request_still_links_the_header(db):
    html = render_to_string("500.html")
    assert f'href="{reverse("accounts:sign_in")}"' in html
    assert f'href="{reverse("feedback:lookup")}"' in html


def test_a_static_file_url_is_worked_out_once(monkeypatch, tmp_path):
    asked = []
    monkeypatch.setattr(
        ManifestFilesMixin, "url", lambda storage, name, force=False: asked.append(name) or name
    )
    storage = PortalStaticFilesStorage(location=tmp_path)

    assert storage.url("css/portal.css") == storage.url("css/portal.css") == "css/portal.css"
    assert asked == ["css/portal.css"]


def test_collecting_static_files_again_forgets_the_urls_worked_out(monkeypatch, tmp_path):
    asked = []
    monkeypatch.setattr(
        ManifestFilesMixin, "url", lambda storage, name, force=False: asked.append(name) or name
    )
    storage = PortalStaticFilesStorage(location=tmp_path)
    storage.url("css/portal.css")

    list(storage.post_process({}))
    storage.url("css/portal.css")

    assert asked == ["css/portal.css", "css/portal.css"]
