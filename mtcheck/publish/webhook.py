"""A short summary of a `mtcheck report` run posted to a webhook: Slack's incoming-webhook
JSON (`text`, and `blocks` for Slack itself), which Mattermost, Rocket.Chat, Zulip's Slack
integration and most chat tools take as well. Only http(s) URLs; a failure is one line for
the caller to report, never an exception that loses the run."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from mtcheck import __version__
from mtcheck.models.batch import RunSummary

TIMEOUT_SECONDS = 10


class WebhookError(Exception):
    """The summary could not be posted: one line (the URL's host, not its secret path)."""


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookError(f"webhook URL must be http(s)://host/..., not {url[:40]!r}")
    return url


def summary_message(summary: RunSummary, run_folder: str) -> dict:
    t = summary.totals
    verdicts = ", ".join(f"{t.verdicts.get(v, 0):,} {v}" for v in ("machine", "post-edited", "human"))
    head = f"mtcheck report: {t.documents:,} documents ({verdicts})"
    details = [f"{t.errors:,} could not be checked" if t.errors else None,
               f"{t.flagged:,} fail the gate (fail_on {summary.fail_on})" if t.flagged else None,
               f"mean MT likelihood {t.mean_mt_likelihood:.2f}" if t.mean_mt_likelihood is not None else None]
    text = head + "; " + "; ".join(d for d in details if d) if any(details) else head
    text += f". Run folder: {run_folder}"
    return {
        "text": text,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{head}*"}},
            {"type": "section", "fields": [
                {"type": "mrkdwn", "text": f"*Checked now*\n{summary.checked:,} (reused {summary.reused:,})"},
                {"type": "mrkdwn", "text": f"*Errors*\n{t.errors:,}"},
                {"type": "mrkdwn", "text": f"*Failing the gate*\n{t.flagged:,}"},
                {"type": "mrkdwn", "text": f"*Run folder*\n`{run_folder}`"},
            ]},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"`{summary.signature}`"}]},
        ],
    }


def post_summary(url: str, summary: RunSummary, run_folder: str) -> None:
    """POST the summary; raises WebhookError with one line when it is not accepted."""
    host = urlsplit(check_url(url)).hostname
    body = json.dumps(summary_message(summary, run_folder)).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "content-type": "application/json", "user-agent": f"mtcheck/{__version__}"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            response.read(65536)
    except urllib.error.HTTPError as exc:
        raise WebhookError(f"webhook at {host} answered {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise WebhookError(f"webhook at {host} could not be reached ({reason})") from None
