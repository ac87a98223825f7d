"""The service about itself: liveness, readiness and the registry status query."""

from __future__ import annotations


def test_healthz_says_the_process_is_alive(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_200_once_neo4j_answers_and_migrations_are_applied(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


def test_every_response_carries_a_request_id(client):
    response = client.get("/healthz", headers={"X-Request-ID": "0123456789abcdef0123456789abcdef"})
    assert response.headers["x-request-id"] == "0123456789abcdef0123456789abcdef"
    assert len(client.get("/healthz").headers["x-request-id"]) == 32


def test_registry_status_reports_versions_and_counts(gql, queries):
    body = gql("{ __typename registry { schemaVersion requiredSchemaVersion neo4jVersion neo4jEdition counts { kind count } } }")
    assert body["data"]["__typename"] == "Query"
    status = body["data"]["registry"]
    assert status["schemaVersion"] == status["requiredSchemaVersion"] > 0
    assert status["neo4jVersion"].startswith("5.")
    assert status["neo4jEdition"] == "community"


def test_graphiql_is_served_to_browsers_in_development(client):
    response = client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


def test_the_graphiql_page_opens_without_a_token_but_a_query_sent_with_it_does_not(client):
    # Browsers ask with Accept: text/html; with a `query` parameter Strawberry runs it instead of
    # rendering the page, so without a token that is an unauthenticated API call: 401.
    no_token = {"Accept": "text/html", "Authorization": ""}
    assert client.get("/graphql", headers=no_token).status_code == 200
    for query in ("{ me { name roles } }", ""):
        response = client.get("/graphql", params={"query": query}, headers=no_token)
        assert response.status_code == 401, response.text
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
