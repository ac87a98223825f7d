// The one door to the service: POST /graphql with the tab's token (if any). Typed by the operations
// generated from schema.graphql (src/gql/, see codegen.ts).
import type { TypedDocumentString } from "./gql/graphql";

const TOKEN_KEY = "lineagegraph.token";

/** The token pasted on the sign-in page, kept for this tab only (sessionStorage). */
export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token.trim());
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** A refusal or failure the service answered: its `extensions.code` and sentence. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export function authHeaders(): Record<string, string> {
  const token = storedToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

export async function execute<R, V>(
  document: TypedDocumentString<R, V>,
  variables?: V,
): Promise<R> {
  let response: Response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", ...authHeaders() },
      body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
    });
  } catch {
    throw new ApiError("The registry cannot be reached.", "UNREACHABLE", 0);
  }
  let body: { data?: R | null; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`The registry answered ${response.status} without JSON.`, "BAD_RESPONSE", response.status);
  }
  if (body.errors?.length) {
    const first = body.errors[0];
    throw new ApiError(first.message, first.extensions?.code ?? "ERROR", response.status);
  }
  if (!response.ok || body.data == null) {
    throw new ApiError(`The registry answered ${response.status}.`, "BAD_RESPONSE", response.status);
  }
  return body.data;
}

/** Open a compliance document (/exports/…, /reports/…) with the tab's token: a plain link cannot
 * carry the Authorization header, so the document is fetched and shown from a blob. */
export async function openDocument(path: string): Promise<void> {
  const response = await fetch(path, { headers: authHeaders() });
  if (!response.ok) {
    const text = await response.text();
    throw new ApiError(text.slice(0, 300), "DOCUMENT_REFUSED", response.status);
  }
  const blob = await response.blob();
  window.open(URL.createObjectURL(blob), "_blank", "noopener");
}
