// Search across every kind, with kind filters; kind, owner and description per hit.
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import type { CatalogKind, SearchQuery as SearchResult } from "../gql/graphql";
import { entityPath } from "../keys";
import { SearchQuery } from "../operations";
import { useQuery } from "../useQuery";
import { Badge, Loading, NodeLink, Problem } from "../components/common";

const KINDS: { value: CatalogKind; label: string }[] = [
  { value: "DATASET", label: "Datasets" }, { value: "FEATURE", label: "Features" }, { value: "JOB", label: "Jobs" },
  { value: "MODEL", label: "Models" }, { value: "MODEL_VERSION", label: "Model versions" },
  { value: "DEPLOYMENT", label: "Deployments" }, { value: "TEAM", label: "Teams" },
];

type Hit = SearchResult["search"][number];

/** The team owning a hit and what describes it: for versions, runs and deployments, those of their
 * dataset, job or model. */
export function ownerAndDescription(node: Hit["node"]): [string | null, string | null] {
  switch (node.__typename) {
    case "Dataset": case "Feature": case "Job": case "Model":
      return [node.ownerName ?? null, node.description ?? null];
    case "DatasetVersion":
      return [node.dataset?.ownerName ?? null, node.dataset?.description ?? null];
    case "ModelVersion":
      return [node.model?.ownerName ?? null, node.description ?? null];
    case "Run":
      return [node.job?.ownerName ?? null, node.job?.description ?? null];
    case "Deployment":
      return [node.modelVersion?.model?.ownerName ?? null,
        node.modelVersion ? `serves ${node.modelVersion.modelName}@${node.modelVersion.version}` : "serves nothing"];
    case "Team":
      return [node.name, node.description ?? null];
  }
}

export function SearchPage() {
  const [params, setParams] = useSearchParams();
  const text = params.get("q") ?? "";
  const kinds = (params.get("kinds") ?? "").split(",").filter(Boolean) as CatalogKind[];
  const [draft, setDraft] = useState(text);
  const result = useQuery(SearchQuery, text ? { text, kinds: kinds.length ? kinds : null, first: 50 } : null);

  function submit(event: FormEvent) {
    event.preventDefault();
    const next = new URLSearchParams(params);
    next.set("q", draft.trim());
    setParams(next);
  }

  function toggle(kind: CatalogKind) {
    const set = new Set(kinds);
    if (set.has(kind)) set.delete(kind);
    else set.add(kind);
    const next = new URLSearchParams(params);
    if (set.size) next.set("kinds", [...set].join(","));
    else next.delete("kinds");
    setParams(next);
  }

  return (
    <>
      <h1>Search the registry</h1>
      <form role="search" onSubmit={submit} className="search-form">
        <label htmlFor="search-text">Search names, descriptions and tags</label>
        <div className="row">
          <input id="search-text" type="search" value={draft} onChange={(e) => setDraft(e.target.value)}
                 placeholder="transactions, credit-scoring, pii …" />
          <button type="submit">Search</button>
        </div>
        <fieldset className="kinds">
          <legend>Only these kinds (none ticked: every kind)</legend>
          {KINDS.map((k) => (
            <label key={k.value}>
              <input type="checkbox" checked={kinds.includes(k.value)} onChange={() => toggle(k.value)} /> {k.label}
            </label>
          ))}
        </fieldset>
      </form>
      <Problem error={result.error} />
      {result.loading && <Loading what="hits" />}
      {text && result.data && (
        result.data.search.length === 0 ? (
          <p>Nothing matches “{text}”.</p>
        ) : (
          <table className="hits" aria-label="Search hits">
            <thead>
              <tr><th scope="col">Kind</th><th scope="col">Name</th><th scope="col">Owner</th><th scope="col">Description</th></tr>
            </thead>
            <tbody>
              {result.data.search.map(({ node }) => (
                <tr key={node.id} data-kind={node.__typename}>
                  <td><Badge>{node.__typename}</Badge></td>
                  <td>
                    <NodeLink node={node} />
                    {node.__typename === "Dataset" && node.versions.length > 0 && (
                      <ul className="versions" aria-label={`Versions of ${node.name}`}>
                        {node.versions.map((v) => (
                          <li key={v.id}>
                            <Link to={entityPath("DatasetVersion", v.id)}>@{v.version}</Link>
                            {v.quarantined && <Badge tone="bad">quarantined</Badge>}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>{ownerAndDescription(node)[0] ?? <span className="muted">nobody</span>}</td>
                  <td>{ownerAndDescription(node)[1]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
    </>
  );
}
