// The registry UI: one page per question, over the public GraphQL API only.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Link, NavLink, Route, Routes } from "react-router-dom";
import { SessionProvider, useSession } from "./session";
import { SearchPage } from "./pages/Search";
import { EntityPage } from "./pages/Entity";
import { LineagePage } from "./pages/Lineage";
import { ImpactPage } from "./pages/Impact";
import { GatePage } from "./pages/Gate";
import { IncidentsPage } from "./pages/Incidents";
import { SignInPage } from "./pages/SignIn";
import { BenchGraphPage } from "./pages/BenchGraph";
import "./styles.css";

function Who() {
  const session = useSession();
  if (session.loading) return <span className="muted">…</span>;
  if (!session.me) return <Link to="/signin">Sign in</Link>;
  return (
    <span data-testid="who">
      <Link to="/signin">{session.me.name}</Link>{" "}
      <span className="muted">({session.me.roles.join(", ").toLowerCase() || "no role"})</span>
    </span>
  );
}

function Shell() {
  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <Link to="/" className="brand">lineagegraph</Link>
        <nav aria-label="Pages">
          <NavLink to="/" end>Search</NavLink>
          <NavLink to="/incidents">Incidents</NavLink>
          <a href="/graphiql">GraphiQL</a>
        </nav>
        <Who />
      </header>
      <main id="main">
        <Routes>
          <Route path="/" element={<SearchPage />} />
          <Route path="/search" element={<SearchPage />} />
          <Route path="/entity/:kind/:id" element={<EntityPage />} />
          <Route path="/lineage" element={<LineagePage />} />
          <Route path="/impact" element={<ImpactPage />} />
          <Route path="/gate" element={<GatePage />} />
          <Route path="/incidents" element={<IncidentsPage />} />
          <Route path="/signin" element={<SignInPage />} />
          <Route path="/bench/graph" element={<BenchGraphPage />} />
          <Route path="*" element={<p>No such page. <Link to="/">Search the registry</Link>.</p>} />
        </Routes>
      </main>
    </>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <BrowserRouter>
      <SessionProvider>
        <Shell />
      </SessionProvider>
    </BrowserRouter>
  </StrictMode>,
);
