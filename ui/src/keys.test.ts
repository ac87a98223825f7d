import { describe, expect, it } from "vitest";
import { KEY_FIELDS, type Kind, documentPaths, fromQuery, impactStart, keyOf, labelOf, lineageStart, toQuery } from "./keys";

describe("addresses", () => {
  it("round-trip every kind's key through the query string, slashes and colons included", () => {
    const keys: Record<Kind, Record<string, string>> = {
      Team: { name: "data-eng" }, Dataset: { namespace: "s3://raw", name: "transactions" },
      DatasetVersion: { namespace: "s3://raw", name: "a/b c", version: "2026-03-08" }, Feature: { group: "credit", name: "x" },
      Job: { namespace: "airflow://etl", name: "clean" }, Run: { runId: "r-1" }, Model: { name: "m" },
      ModelVersion: { model: "m", version: "1+local" }, Deployment: { environment: "PRODUCTION", name: "api" },
    };
    for (const [kind, key] of Object.entries(keys) as [Kind, Record<string, string>][]) {
      expect(Object.keys(key)).toEqual(KEY_FIELDS[kind]);
      expect(fromQuery(new URLSearchParams(toQuery(kind, key)))).toEqual({ kind, key });
    }
  });

  it("refuses an address missing a key field or naming no kind", () => {
    expect(fromQuery(new URLSearchParams("kind=DatasetVersion&namespace=s3://raw&name=t"))).toBeNull();
    expect(fromQuery(new URLSearchParams("kind=Nothing&name=t"))).toBeNull();
    expect(fromQuery(new URLSearchParams(""))).toBeNull();
  });

  it("reads keys off GraphQL nodes", () => {
    expect(keyOf({ __typename: "ModelVersion", modelName: "credit-scoring", version: "2" })).toEqual({ model: "credit-scoring", version: "2" });
    expect(labelOf("DatasetVersion", { namespace: "s3://raw", name: "transactions", version: "2026-03-08" })).toBe("s3://raw/transactions@2026-03-08");
    expect(labelOf("Deployment", { environment: "PRODUCTION", name: "credit-scoring-api" })).toBe("production/credit-scoring-api");
  });
});

describe("what each kind starts", () => {
  it("impact starts where the API does: not from models, deployments, jobs or teams", () => {
    expect(impactStart("Model", { name: "m" })).toBeNull();
    expect(impactStart("Deployment", { environment: "PRODUCTION", name: "a" })).toBeNull();
    expect(impactStart("Job", { namespace: "n", name: "j" })).toBeNull();
    expect(impactStart("DatasetVersion", { namespace: "n", name: "d", version: "1" })).toEqual({ datasetVersion: { namespace: "n", name: "d", version: "1" } });
    expect(lineageStart("Deployment", { environment: "PRODUCTION", name: "a" })).toEqual({ deployment: { environment: "PRODUCTION", name: "a" } });
    expect(lineageStart("Team", { name: "t" })).toBeNull();
  });

  it("documents are the service's paths, the environment in lower case and each part escaped", () => {
    expect(documentPaths("Deployment", { environment: "PRODUCTION", name: "credit-scoring-api" }).map((d) => d.path)).toEqual([
      "/reports/deployments/production/credit-scoring-api",
      "/reports/deployments/production/credit-scoring-api?format=markdown",
      "/exports/prov/deployments/production/credit-scoring-api",
      "/exports/cyclonedx/deployments/production/credit-scoring-api",
    ]);
    expect(documentPaths("ModelVersion", { model: "a/b", version: "1" })[2].path).toBe("/exports/prov/model-versions/a%2Fb/1");
    expect(documentPaths("Dataset", { namespace: "n", name: "d" })).toEqual([]);
  });
});
