// GraphiQL from the service's own files (bundled from npm), so it works without internet. It sends
// the token the UI's sign-in kept for this tab, if any (editable in the headers pane).
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import "graphiql/graphiql.css";
import { createRoot } from "react-dom/client";
import { authHeaders } from "./api";

const fetcher = createGraphiQLFetcher({ url: "/graphql" });
const headers = JSON.stringify(authHeaders(), null, 2);

createRoot(document.getElementById("graphiql")!).render(
  <GraphiQL fetcher={fetcher} defaultHeaders={headers === "{}" ? undefined : headers} shouldPersistHeaders={false} />,
);
