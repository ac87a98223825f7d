// Who the tab is signed in as: the token in sessionStorage and what `me` says it may do. The UI hides
// the actions the roles cannot take; the server enforces them whatever the UI shows.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { ApiError, execute, storeToken, storedToken } from "./api";
import { MeQuery } from "./operations";

export interface Me {
  name: string;
  roles: string[];
  teams: string[];
  permissions: string[];
}

export interface Session {
  me: Me | null;
  /** Why `me` could not be read (no token while anonymous reads are off, a refused token …). */
  problem: ApiError | null;
  loading: boolean;
  signedIn: boolean;
  signIn(token: string): Promise<boolean>;
  signOut(): void;
  may(permission: string): boolean;
}

/** Whether these permissions include one (`quarantine`, `promote`, …). */
export function may(me: Me | null, permission: string): boolean {
  return !!me && me.permissions.includes(permission);
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [signedIn, setSignedIn] = useState(!!storedToken());

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const data = await execute(MeQuery);
      setMe(data.me);
      setProblem(null);
      return true;
    } catch (error) {
      setMe(null);
      setProblem(error instanceof ApiError ? error : new ApiError(String(error), "ERROR", 0));
      return false;
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const session: Session = {
    me, problem, loading, signedIn,
    async signIn(token: string) {
      storeToken(token);
      setSignedIn(true);
      const ok = await load();
      if (!ok) {
        storeToken(null);
        setSignedIn(false);
      }
      return ok;
    },
    signOut() {
      storeToken(null);
      setSignedIn(false);
      void load();
    },
    may: (permission: string) => may(me, permission),
  };
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}
