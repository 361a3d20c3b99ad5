import { useState, type FormEvent } from "react";

import { ApiError } from "@/shared/lib/api/api-client";
import { ErrorSummary, FieldErrors } from "@/shared/ui/errors";

import { signIn } from "../api/session";

export function SignInForm({ onSignedIn }: { onSignedIn: () => void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email, password);
      onSignedIn();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  const apiError = error instanceof ApiError ? error : null;
  return (
    <form className="stack" onSubmit={submit} aria-label="Sign in" noValidate>
      <ErrorSummary error={error} />
      <label className="field">
        <span>Email</span>
        <input type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} aria-describedby="email-errors" />
        <FieldErrors id="email-errors" messages={apiError?.forField("email")} />
      </label>
      <label className="field">
        <span>Password</span>
        <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} aria-describedby="password-errors" />
        <FieldErrors id="password-errors" messages={apiError?.forField("password")} />
      </label>
      <button type="submit" className="primary" disabled={busy}>
        Sign in
      </button>
    </form>
  );
}
