// A small hook over `execute`: loading, data, error, and reload, keyed on the variables.
import { useCallback, useEffect, useState } from "react";
import { ApiError, execute } from "./api";
import type { TypedDocumentString } from "./gql/graphql";

export interface QueryState<R> {
  data: R | null;
  error: ApiError | null;
  loading: boolean;
  reload(): void;
}

export function useQuery<R, V>(document: TypedDocumentString<R, V>, variables: V | null): QueryState<R> {
  const [data, setData] = useState<R | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);
  const [round, setRound] = useState(0);
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (variables === null) return;
    let live = true;
    setLoading(true);
    setError(null);
    (execute as (d: TypedDocumentString<R, V>, v: V) => Promise<R>)(document, variables)
      .then((d) => live && setData(d))
      .catch((e) => live && setError(e instanceof ApiError ? e : new ApiError(String(e), "ERROR", 0)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [document, key, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { data, error, loading, reload };
}
