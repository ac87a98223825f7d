"""What monitoring reads: the GraphQL input of `recordHealthSignal`, and Alertmanager's webhook
notification (its documented JSON, version 4) read into the service's alerts.

A notification that is not that document is BadRequest naming the place (`alerts[1].startsAt`):
Alertmanager does not retry a 4xx, and resending a malformed body would not mend it.
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.catalog.inputs import ModelVersionRefInput, ParameterInput
from app.core.errors import BadRequest, InvalidInput
from app.core.validation import parse_datetime
from app.core.vocabulary import graphql_enum
from app.lineage.inputs import DeploymentRefInput
from app.monitoring import service

HealthSeverity = graphql_enum("HealthSeverity")
HealthSignalStatus = graphql_enum("HealthSignalStatus")


@strawberry.input(description="A health or drift signal a tool reports against a deployment or a model version: give "
                              "exactly one of `deployment` and `modelVersion`.")
class RecordHealthSignalInput:
    metric: str = strawberry.field(description="What was measured, e.g. `psi_drift`, `p99_latency_ms`, `auc`.")
    severity: HealthSeverity = strawberry.field(description="How bad it is; firing CRITICAL signals on a deployment in "
                                                            "the policy's monitoring environments open an incident.")
    source: str = strawberry.field(description="The tool that reports it, e.g. `evidently`, `nightly-eval`.")
    deployment: DeploymentRefInput | None = strawberry.field(default=None, description="The deployment it is about.")
    model_version: ModelVersionRefInput | None = strawberry.field(
        default=None, description="The model version it is about (drift or evaluation of the version itself).")
    status: HealthSignalStatus = strawberry.field(
        default=HealthSignalStatus.FIRING,
        description="FIRING (default) records it; RESOLVED with the same `key` (or the same metric, source and "
                    "`startsAt`) resolves the one recorded, or records it resolved.")
    value: float | None = strawberry.field(default=None, description="The measured value; finite.")
    threshold: float | None = strawberry.field(default=None, description="The threshold it is compared with; finite.")
    starts_at: datetime | None = strawberry.field(
        default=None, description="When the condition started (default now; at most the clock skew ahead).")
    ends_at: datetime | None = strawberry.field(
        default=None, description="With RESOLVED: when it ended (default now); not after now, not before `startsAt`.")
    summary: str | None = strawberry.field(default=None, description="A sentence for the people on call.")
    labels: list[ParameterInput] | None = strawberry.field(
        default=None, description="Labels to keep with it (at most 200; names unique, ≤ 128, values ≤ 4,096).")
    key: str | None = strawberry.field(
        default=None, description="Your idempotency key for this signal (at most 256 characters): the same key is the "
                                  "same signal, so a retry changes nothing. Without one, the key is derived from the "
                                  "target, source, metric and `startsAt` — give `startsAt` to retry safely.")

    def report(self) -> service.SignalReport:
        return service.SignalReport(
            metric=self.metric, severity=self.severity.value, status=self.status.value, source=self.source,
            starts_at=self.starts_at, ends_at=self.ends_at, value=self.value, threshold=self.threshold,
            summary=self.summary, labels=_labels(self.labels), key=self.key)

    def target(self) -> dict:
        """`deployment=(environment, name)` or `model_version=(model, version)` for the service."""
        given = [name for name in ("deployment", "model_version") if getattr(self, name) is not None]
        if len(given) != 1:
            raise InvalidInput("Give exactly one of deployment and modelVersion.", field="input")
        if self.deployment is not None:
            return {"deployment": (self.deployment.environment.value, self.deployment.name)}
        return {"model_version": (self.model_version.model, self.model_version.version)}


def _labels(items: list[ParameterInput] | None) -> dict[str, str]:
    labels: dict[str, str] = {}
    for item in items or []:
        if item.name in labels:
            raise InvalidInput(f"labels names {item.name!r} twice.", field="labels")
        labels[item.name] = item.value
    return labels


# --- Alertmanager's webhook notification -------------------------------------------------------------

# The version of the payload this reads (Alertmanager's notify/webhook Message, `version: "4"`).
ALERTMANAGER_VERSION = "4"
_ZERO_TIME = "0001-01-01T00:00:00Z"  # Go's zero time: what a firing alert's endsAt says when unknown


def read_notification(document: object) -> tuple[str | None, list[service.Alert]]:
    """The receiver and the alerts of one notification; BadRequest naming the field otherwise."""
    if not isinstance(document, dict):
        raise BadRequest("An Alertmanager notification is a JSON object (its webhook payload, version 4).")
    version = document.get("version")
    if version != ALERTMANAGER_VERSION:
        raise BadRequest(f"Only Alertmanager's webhook payload version {ALERTMANAGER_VERSION!r} is read; this one "
                         f"says {version!r}.", field="version")
    receiver = document.get("receiver")
    if receiver is not None and not isinstance(receiver, str):
        raise BadRequest("receiver must be a string.", field="receiver")
    _status(document.get("status"), "status")
    alerts = document.get("alerts")
    if not isinstance(alerts, list):
        raise BadRequest("alerts must be an array of alerts.", field="alerts")
    return receiver, [_alert(index, alert) for index, alert in enumerate(alerts)]


def _alert(index: int, alert: object) -> service.Alert:
    at = f"alerts[{index}]"
    if not isinstance(alert, dict):
        raise BadRequest(f"{at} must be an object.", field=at)
    status = _status(alert.get("status"), f"{at}.status")
    labels = _strings(alert.get("labels"), f"{at}.labels")
    annotations = _strings(alert.get("annotations", {}), f"{at}.annotations")
    fingerprint = alert.get("fingerprint")
    if not isinstance(fingerprint, str) or not fingerprint.strip() or len(fingerprint) > 128:
        raise BadRequest(f"{at}.fingerprint must be Alertmanager's fingerprint of the alert (a non-empty string).",
                         field=f"{at}.fingerprint")
    starts_at = _time(alert.get("startsAt"), f"{at}.startsAt")
    if starts_at is None:
        raise BadRequest(f"{at}.startsAt is required: when the alert started (RFC 3339).", field=f"{at}.startsAt")
    ends_at = _time(alert.get("endsAt"), f"{at}.endsAt")
    generator = alert.get("generatorURL")
    if generator is not None and not isinstance(generator, str):
        raise BadRequest(f"{at}.generatorURL must be a string.", field=f"{at}.generatorURL")
    return service.Alert(index=index, status=status, labels=labels, annotations=annotations, starts_at=starts_at,
                         ends_at=ends_at, fingerprint=fingerprint.strip(), generator_url=generator or None)


def _status(value: object, field: str) -> str:
    if value not in service.STATUSES:
        raise BadRequest(f"{field} must be one of {', '.join(service.STATUSES)}, not {value!r}.", field=field)
    return value


def _strings(value: object, field: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(x, str) for k, x in value.items()):
        raise BadRequest(f"{field} must be an object of strings.", field=field)
    return value


def _time(value: object, field: str) -> datetime | None:
    if value is None or value == "" or value == _ZERO_TIME:
        return None
    try:
        parsed = parse_datetime(value)
    except InvalidInput:
        raise BadRequest(f"{field} must be an RFC 3339 time such as 2026-03-08T02:00:00Z, not {str(value)[:60]!r}.",
                         field=field) from None
    return None if parsed.year == 1 else parsed
