"""Test-suite policy shared by every test.

In CI (``CI=true``) a skipped test is a failure: a skip there means a dependency CI was
supposed to install is missing, and a green run must mean that everything ran.
"""

import os

import pytest

IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _fail_skip(report, where):
    report.outcome = "failed"
    report.longrepr = (f"{where} was skipped, and skips are failures in CI (CI=true): "
                       f"{report.longrepr}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        _fail_skip(report, item.nodeid)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    # module-level importorskip skips a whole file at collection time
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped:
        _fail_skip(report, collector.nodeid)
