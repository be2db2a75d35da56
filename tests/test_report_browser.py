"""The report in a real headless Chromium: pages load without console output, highlights render.

Chromium comes from the distribution (``.ci/run`` installs Debian's ``chromium``); where it
is missing the test is skipped with the reason. Screenshots go to ``$PROPMARK_SCREENSHOTS``
or the test's temporary folder.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from propmark.report import write_report
from tests.test_report import LABELS, result_line

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium); .ci/run installs it")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--enable-logging=stderr", "--v=0", "--window-size=1280,1400"]


def chromium(page: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
                          capture_output=True, text=True, timeout=120)


def console_lines(run: subprocess.CompletedProcess) -> list[str]:
    return [line for line in run.stderr.splitlines() if ":CONSOLE" in line]


def test_console_errors_are_seen(tmp_path: Path) -> None:
    """The check below must be able to fail: a page with a script error is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><script>undefinedFunction();</script></body></html>")
    assert any("undefinedFunction" in line for line in console_lines(chromium(bad, tmp_path, "--dump-dom")))


def test_report_pages_load_cleanly_with_highlights(tmp_path: Path) -> None:
    results = tmp_path / "results.jsonl"
    import json

    lines = [result_line(f"article-{i}", 0.1 + 0.2 * i, ["low", "mixed", "high"][min(i, 2)],
                         [("Menü | Politik | Sport", ["boilerplate"]), ("Experten zufolge steigen die Preise weiter.", ["unsourced_attribution"]),
                          ("Der Minister sagte am Montag, der Plan stehe.", []), ("Teilen Sie diesen Artikel jetzt!", ["appeal"])],
                         {"outlet": f"Outlet {i % 2}"}, ["de", "nb"][i % 2]) for i in range(4)]
    results.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    report = tmp_path / "report"
    write_report(results, report, LABELS, {})
    shots = Path(os.environ.get("PROPMARK_SCREENSHOTS", tmp_path / "screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    article = sorted((report / "articles").iterdir())[0]
    for kind, page in (("overview", report / "index.html"), ("article", article)):
        dom = chromium(page, tmp_path, "--dump-dom")
        assert dom.returncode == 0, dom.stderr[-2000:]
        assert console_lines(dom) == [], f"{kind} page logged to the console: {console_lines(dom)}"
        assert "propmark report" in dom.stdout
        shot = chromium(page, tmp_path, f"--screenshot={shots / f'{kind}.png'}")
        assert shot.returncode == 0 and (shots / f"{kind}.png").stat().st_size > 10_000
    article_dom = chromium(article, tmp_path, "--dump-dom").stdout
    assert article_dom.count('class="s flag m-') == 3 and "m-unsourced_attribution" in article_dom
    overview_dom = chromium(report / "index.html", tmp_path, "--dump-dom").stdout
    assert overview_dom.count("<tr><td class=\"num\"") >= 4 and "<rect" in overview_dom
