import { useQueryClient } from "@tanstack/react-query";
import { Link, Navigate, Outlet, useLocation } from "react-router";

import { useMe, useToken } from "@/features/auth/api/session";
import { api } from "@/shared/lib/api/api-client";
import { setToken } from "@/shared/lib/session/token";
import { ErrorSummary } from "@/shared/ui/errors";

/** Everything behind sign-in: the header (who you are, sign out) and the page. */
export function AppLayout() {
  const token = useToken();
  const me = useMe();
  const location = useLocation();
  const client = useQueryClient();
  if (!token) {
    return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  }
  async function signOut() {
    await api.DELETE("/api/v1/auth/token" as never).catch(() => undefined);
    setToken(null);
    client.clear();
  }
  return (
    <>
      <header className="app-header">
        <Link to="/" className="brand">
          VideoPlanet
        </Link>
        <nav aria-label="Account">
          {me.data?.is_staff ? <a href="/monitoring/contracts">Contract dashboard</a> : null}
          <span className="muted">{me.data?.name}</span>
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </nav>
      </header>
      <main>
        {me.error ? <ErrorSummary error={me.error} /> : null}
        <Outlet />
      </main>
    </>
  );
}
