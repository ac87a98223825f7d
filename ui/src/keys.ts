// Natural keys of the registry's kinds as the UI's addresses spell them (query parameters), and what
// each kind can start: a lineage graph, an impact answer, a compliance document. Pure functions.
import type { Environment, ImpactStartInput, LineageStartInput } from "./gql/graphql";

export type Kind =
  | "Team" | "Dataset" | "DatasetVersion" | "Feature" | "Job" | "Run" | "Model" | "ModelVersion" | "Deployment";

export const KINDS: Kind[] = ["Dataset", "DatasetVersion", "Feature", "Job", "Run", "Model", "ModelVersion", "Deployment", "Team"];

/** The key fields each kind is addressed by, in the order they are shown. */
export const KEY_FIELDS: Record<Kind, string[]> = {
  Team: ["name"],
  Dataset: ["namespace", "name"],
  DatasetVersion: ["namespace", "name", "version"],
  Feature: ["group", "name"],
  Job: ["namespace", "name"],
  Run: ["runId"],
  Model: ["name"],
  ModelVersion: ["model", "version"],
  Deployment: ["environment", "name"],
};

export type Key = Record<string, string>;

/** Any catalog node as GraphQL returns it (the fields the UI's fragments select). */
export interface NodeLike {
  __typename?: string;
  id?: string;
  name?: string | null;
  namespace?: string | null;
  version?: string | null;
  group?: string | null;
  runId?: string | null;
  modelName?: string | null;
  environment?: string | null;
}

export function kindOf(node: NodeLike): Kind {
  return node.__typename as Kind;
}

/** A node's natural key, from the fields GraphQL gave. */
export function keyOf(node: NodeLike): Key {
  const k = kindOf(node);
  switch (k) {
    case "ModelVersion":
      return { model: node.modelName ?? "", version: node.version ?? "" };
    case "Run":
      return { runId: node.runId ?? "" };
    default:
      return Object.fromEntries(KEY_FIELDS[k].map((f) => [f, String((node as Record<string, unknown>)[f] ?? "")]));
  }
}

/** How a person reads a node's name: `s3://raw/transactions@2026-03-08`, `credit-scoring@2`. */
export function labelOf(kind: Kind, key: Key): string {
  switch (kind) {
    case "Dataset":
    case "Job":
      return `${key.namespace}/${key.name}`;
    case "DatasetVersion":
      return `${key.namespace}/${key.name}@${key.version}`;
    case "Feature":
      return `${key.group}/${key.name}`;
    case "Run":
      return `run ${key.runId.slice(0, 8)}`;
    case "ModelVersion":
      return `${key.model}@${key.version}`;
    case "Deployment":
      return `${key.environment.toLowerCase()}/${key.name}`;
    default:
      return key.name;
  }
}

export function nodeLabel(node: NodeLike): string {
  return labelOf(kindOf(node), keyOf(node));
}

/** `?kind=DatasetVersion&namespace=s3%3A%2F%2Fraw&…`: the address of a thing for the UI's pages. */
export function toQuery(kind: Kind, key: Key, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams({ kind, ...key });
  for (const [name, value] of Object.entries(extra)) if (value) params.set(name, value);
  return params.toString();
}

/** The kind and key an address names; null when a key field is missing or the kind is unknown. */
export function fromQuery(params: URLSearchParams): { kind: Kind; key: Key } | null {
  const kind = params.get("kind") as Kind | null;
  if (!kind || !(kind in KEY_FIELDS)) return null;
  const key: Key = {};
  for (const field of KEY_FIELDS[kind]) {
    const value = params.get(field);
    if (!value) return null;
    key[field] = value;
  }
  return { kind, key };
}

/** The entity page of a node (by its id: every page's query looks nodes up by id). */
export function entityPath(kind: Kind | string, id: string): string {
  return `/entity/${kind}/${encodeURIComponent(id)}`;
}

/** The `of` of `lineage(…)`; null for the kinds it does not start from (teams, jobs). */
export function lineageStart(kind: Kind, key: Key): LineageStartInput | null {
  switch (kind) {
    case "Dataset":
      return { dataset: { namespace: key.namespace, name: key.name } };
    case "DatasetVersion":
      return { datasetVersion: { namespace: key.namespace, name: key.name, version: key.version } };
    case "Feature":
      return { feature: { group: key.group, name: key.name } };
    case "Run":
      return { runId: key.runId };
    case "Model":
      return { model: key.name };
    case "ModelVersion":
      return { modelVersion: { model: key.model, version: key.version } };
    case "Deployment":
      return { deployment: { environment: key.environment as Environment, name: key.name } };
    default:
      return null;
  }
}

/** The `of` of `impact(…)` (and the start of a quarantine); null for kinds impact does not start from. */
export function impactStart(kind: Kind, key: Key): ImpactStartInput | null {
  if (kind === "Model" || kind === "Deployment") return null;
  return lineageStart(kind, key) as ImpactStartInput | null;
}

/** The compliance documents of a model version or deployment (app/core/documents.py's paths). */
export function documentPaths(kind: Kind, key: Key): { name: string; path: string }[] {
  let subject: string;
  if (kind === "Deployment") subject = `deployments/${enc(key.environment.toLowerCase())}/${enc(key.name)}`;
  else if (kind === "ModelVersion") subject = `model-versions/${enc(key.model)}/${enc(key.version)}`;
  else return [];
  return [
    { name: "Compliance report", path: `/reports/${subject}` },
    { name: "Compliance report (Markdown)", path: `/reports/${subject}?format=markdown` },
    { name: "PROV-JSON", path: `/exports/prov/${subject}` },
    { name: "CycloneDX ML-BOM", path: `/exports/cyclonedx/${subject}` },
  ];
}

function enc(part: string): string {
  return encodeURIComponent(part);
}
