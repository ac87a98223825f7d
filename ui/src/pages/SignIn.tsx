// Sign-in by pasting an API token; it is kept for this tab only (sessionStorage).
import { useState, type FormEvent } from "react";
import { useSession } from "../session";
import { Problem } from "../components/common";

export function SignInPage() {
  const session = useSession();
  const [token, setToken] = useState("");
  const [failed, setFailed] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFailed(!(await session.signIn(token)));
    setToken("");
  }

  return (
    <>
      <h1>Sign in</h1>
      <p>
        Paste an API token (<code>lg_…</code>; <code>./dev serve</code> prints an admin one, admins issue others with
        <code> ./dev token create</code>). It is kept for this browser tab only and sent as
        <code> Authorization: Bearer …</code>.
      </p>
      <form onSubmit={submit} className="signin">
        <label htmlFor="token">API token</label>
        <input id="token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} />
        <button type="submit" disabled={!token.trim()}>Sign in</button>
      </form>
      {failed && <Problem error={session.problem} />}
      {session.me && (
        <p data-testid="whoami">
          Reading as <strong>{session.me.name}</strong>: roles {session.me.roles.join(", ").toLowerCase() || "none"};
          may {session.me.permissions.join(", ")}.
          {session.signedIn && <> <button type="button" onClick={session.signOut}>Sign out</button></>}
        </p>
      )}
    </>
  );
}
