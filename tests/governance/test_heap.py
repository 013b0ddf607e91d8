"""A gunicorn worker sets what every request shares aside from the garbage collector once it has started."""

from __future__ import annotations

import gc
import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

from governance import heap

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()  # the test process goes on collecting everything


def test_freezing_loads_every_page_template_then_freezes_the_heap(app, unfrozen):
    app.jinja_env.cache.clear()
    heap.freeze(app)
    assert gc.get_freeze_count() > 10_000
    compiled = {name for _, name in app.jinja_env.cache}
    assert {"base.html", "pledging/show.html", "notifications/email.txt"} <= compiled
    assert not any(name.startswith("agreements/pdf/") for name in compiled)  # the PDF's own environment's


def test_gunicorn_reads_the_hook_that_freezes_each_worker(app, unfrozen):
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    conf.post_worker_init(SimpleNamespace(wsgi=app))
    assert gc.get_freeze_count() > 10_000


def test_gunicorn_reads_that_file_from_where_it_is_started():
    """gunicorn's `config` setting: "By default, a file named ``gunicorn.conf.py`` will be read from the
    same directory where gunicorn is being run." (README: run it from the project's folder.)"""
    from gunicorn.config import Config

    assert Config().settings["config"].default == "./gunicorn.conf.py"
