"""The CLI shows each long wait as one line: what is awaited and for how long; short repeated polls are shown
again only every few seconds, with the time spent so far."""

from __future__ import annotations

from platform_cli.cli.output import ProgressLine


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_wait_is_shown_with_what_is_awaited_and_for_how_long() -> None:
    lines: list[str] = []
    ProgressLine(lines.append, Clock())("GitHub rate-limited this credential: waiting to retry a write", 58.4)
    assert lines == ["… GitHub rate-limited this credential: waiting to retry a write (waiting 58s)"]


def test_repeated_polls_are_shown_every_five_seconds_with_the_time_so_far() -> None:
    lines: list[str] = []
    clock = Clock()
    show = ProgressLine(lines.append, clock)
    for _ in range(30):  # a repository generated after 12 s of 0.4 s polls
        show("waiting for acme/churn-build to be generated", 0.4)
        clock.now += 0.4
    assert lines == [
        "… waiting for acme/churn-build to be generated (waiting 0.4s)",
        "… waiting for acme/churn-build to be generated (waiting 0.4s, 5s so far)",
        "… waiting for acme/churn-build to be generated (waiting 0.4s, 10s so far)",
    ]


def test_a_new_wait_is_shown_at_once() -> None:
    lines: list[str] = []
    show = ProgressLine(lines.append, Clock())
    show("waiting for a", 1.0)
    show("waiting for b", 2.0)
    assert lines == ["… waiting for a (waiting 1.0s)", "… waiting for b (waiting 2.0s)"]


def test_every_github_client_of_the_cli_reports_its_budget_waits_to_the_progress_line() -> None:
    from platform_cli.cli import output
    from platform_cli.cli.github_access import write_budget

    assert write_budget().on_wait is output.progress


def test_a_long_blocking_call_is_shown_while_it_runs_and_the_ticker_stops_with_it() -> None:
    import threading

    from platform_cli.cli.output import waiting

    lines: list[str] = []
    shown = threading.Event()

    def write(line: str) -> None:
        lines.append(line)
        shown.set()

    with waiting("waiting for Service Catalog to launch churn", every=0.01, write=write):
        assert shown.wait(10)  # the call is still running: a line has said what it awaits
    assert lines[0].startswith("… waiting for Service Catalog to launch churn (") and lines[0].endswith("s so far)")
    assert "mlops-progress" not in {thread.name for thread in threading.enumerate()}  # stopped with the call
