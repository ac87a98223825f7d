"""HTTP edge of monitoring: where Alertmanager's webhook receiver posts its notifications.

`POST /api/v1/alertmanager` takes Alertmanager's documented webhook payload (JSON, version "4"),
authenticated like every /api/ request (`http_config.authorization` sends `Authorization: Bearer
<token>`; the token needs the record_health permission). All its alerts are recorded in one
transaction, and the answer is 200 once committed, with one outcome per alert — also for alerts
that match no deployment, since resending them would not make them match (Alertmanager retries 5xx
and connection failures, not 4xx). Refusals are DomainErrors, rendered by the app's one error
handler: 400 not the payload (the field named), 403 a token or team that may not record these
signals, 422 a time from the future, 503/504 retry later.
"""

from __future__ import annotations

from collections import Counter

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.audit.service import record_denied
from app.auth.permissions import demand
from app.core.access import Permission
from app.core.actor import Actor
from app.core.context import principal_of
from app.core.errors import Forbidden
from app.core.vocabulary import values
from app.http.errors import read_json, require_json_content
from app.monitoring import service
from app.monitoring.inputs import read_notification

ALERTMANAGER_PATH = "/api/v1/alertmanager"
_AUDIT_ACTION = service.ALERT_ACTION


async def post_alertmanager(request: Request) -> Response:
    principal = principal_of(request)
    db = request.app.state.db
    await demand(db, principal, Permission.RECORD_HEALTH, action=_AUDIT_ACTION)
    require_json_content(request.headers.get("content-type"), "the notification")
    receiver, alerts = read_notification(read_json(await request.body(), "The notification"))
    actor = Actor.of(principal, clock_skew=request.app.state.settings.max_clock_skew)
    try:
        results = await service.receive_alerts(db, actor, request.app.state.policies, alerts)
    except Forbidden as exc:  # another team's deployment: the whole notification is refused, and recorded
        await record_denied(db, principal.name, action=_AUDIT_ACTION, reason=exc.message)
        raise
    counts = Counter(r.outcome for r in results)
    return JSONResponse({
        "status": "committed", "receiver": receiver,
        "counts": {outcome: counts.get(outcome, 0) for outcome in values("AlertOutcome")},
        "alerts": [_outcome(r) for r in results]})


def _outcome(result: service.AlertResult) -> dict:
    answer: dict = {"index": result.index, "fingerprint": result.fingerprint, "status": result.status,
                    "outcome": result.outcome}
    if result.reason is not None:
        answer["reason"] = result.reason
    done = result.recorded
    if done is not None:
        answer.update(deployment=done.target.label, signal=done.signal["id"], health=done.health)
        response = done.response
        if response is not None:
            answer["incident"] = response.incident["id"] if response.incident is not None else None
            answer["incidentCreated"] = response.incident_created
            if response.refused is not None:
                answer["incidentRefused"] = response.refused
            rolled = response.rolled_back
            if rolled is not None and rolled.changed:
                to = rolled.rolled_back_to
                answer["rolledBackTo"] = f"{to['model_name']}@{to['version']}"
            if response.rollback_refused is not None:
                answer["rollbackRefused"] = response.rollback_refused
    return answer


routes = [Route(ALERTMANAGER_PATH, post_alertmanager, methods=["POST"])]
