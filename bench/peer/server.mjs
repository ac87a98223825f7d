// The benchmark's peer: the Neo4j GraphQL Library (@neo4j/graphql 7) on Apollo Server, serving
// lineagegraph's OWN impact and provenance statements (cypher/lineage/*.cypher, read at start) through
// @cypher fields, on the same Neo4j. So the comparison is of what sits around the traversal (HTTP,
// GraphQL execution, decoding), not of two different traversals.
//
// Run by bench/peer.py from its npm cache (never by hand in the repo): environment NEO4J_URI,
// NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE, PEER_PORT, LINEAGEGRAPH_CYPHER_DIR. It prints
// "peer ready <url>" on stdout once it answers.
//
// What differs from lineagegraph, on purpose and in the peer's favour: no authentication, the
// start is given by its node id (lineagegraph resolves a key in the same statement), and the
// answer is the statement's rows as they are (no cut reasons, no typed node per kind).
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

const env = (name, fallback) => process.env[name] ?? fallback;
const cypherDir = env("LINEAGEGRAPH_CYPHER_DIR");

// The statement as the service runs it, with the one change @cypher needs: one column, `result`.
// Datetime arguments arrive as ISO strings, so they are read with datetime() where they are used.
// `fixed`: parameters given as constants — what the service computes only when a request selects it
// (impact's owners, and its paths with named nodes), the peer always computes, as it is given them.
function wrapped(name, columns, datetimes, fixed = {}) {
  let text = readFileSync(join(cypherDir, "lineage", `${name}.cypher`), "utf8");
  for (const param of datetimes) {
    text = text.replaceAll(new RegExp(`\\$${param}\\b`, "g"), `datetime($${param})`);
  }
  for (const [param, value] of Object.entries(fixed)) {
    text = text.replaceAll(new RegExp(`\\$${param}\\b`, "g"), value);
  }
  const fields = columns.map((column) => `${column}: ${column}`).join(", ");
  return `CALL () {\n${text}\n}\nRETURN {${fields}} AS result`;
}

const graphqlString = (text) => JSON.stringify(text);

const impact = wrapped("impact",
  ["start_count", "counts", "owners", "budget_cut", "depth_cut", "listed_count", "items"],
  ["as_of", "window_from", "window_to"], { owners: "true", paths: "'NAMED'" });
const provenance = wrapped("provenance", ["nodes", "edges", "budget_cut"], ["as_of"]);

const typeDefs = `
  type KindCount { kind: String!  count: Int! }
  type PathNode { kind: String!  id: ID!  name: String }
  type AnswerNode { id: ID!  name: String }
  type ImpactItem { kind: String!  depth: Int!  node: AnswerNode!  path_nodes: [PathNode!]!  path_edges: [String!]! }
  type ImpactAnswer {
    start_count: Int!  counts: [KindCount!]!  owners: [String!]!  budget_cut: Boolean!  depth_cut: Boolean!
    listed_count: Int!  items: [ImpactItem!]!
  }
  type ProvenanceNode { kind: String!  node: AnswerNode!  produced: Boolean }
  type ProvenanceEdge { source: ID!  type: String!  target: ID! }
  type ProvenanceAnswer { nodes: [ProvenanceNode!]!  edges: [ProvenanceEdge!]!  budget_cut: Boolean! }

  # The catalog as the library maps it itself (its generated queries, filters and nested
  # relationship selections): what the lookup benchmark asks of both servers.
  type Model @node { id: ID!  name: String!  owner: String }
  type Job @node { id: ID!  namespace: String!  name: String! }
  type Run @node {
    id: ID!  run_id: String!  state: String
    job: [Job!]! @relationship(type: "INSTANCE_OF", direction: OUT)
  }
  type Deployment @node { id: ID!  environment: String!  name: String!  status: String }
  type ModelVersion @node {
    id: ID!  model_name: String!  version: String!  stage: String  framework: String  license: String
    model: [Model!]! @relationship(type: "VERSION_OF", direction: OUT)
    producedBy: [Run!]! @relationship(type: "WAS_GENERATED_BY", direction: OUT)
    deployments: [Deployment!]! @relationship(type: "SERVES", direction: IN)
  }

  type Query {
    impact(start_id: ID!, window_from: String, window_to: String, as_of: String!, max_depth: Int!, budget: Int!,
           kinds: [String!], environment: String, offset: Int!, limit: Int!): ImpactAnswer
      @cypher(statement: ${graphqlString(impact)}, columnName: "result")
    provenance(start_id: ID!, as_of: String!, budget: Int!): ProvenanceAnswer
      @cypher(statement: ${graphqlString(provenance)}, columnName: "result")
  }
`;

const driver = neo4j.driver(env("NEO4J_URI", "bolt://127.0.0.1:7687"),
  neo4j.auth.basic(env("NEO4J_USER", "neo4j"), env("NEO4J_PASSWORD", "neo4j")));
const database = env("NEO4J_DATABASE", "neo4j");
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
const server = new ApolloServer({ schema });
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: Number(env("PEER_PORT", "4000")) },
  context: async () => ({ cypherQueryOptions: {}, sessionConfig: { database } }),
});
console.log(`peer ready ${url}`);

const stop = async () => {
  await server.stop();
  await driver.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
