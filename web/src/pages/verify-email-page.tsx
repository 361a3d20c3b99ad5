import { useId, useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";

import { useVerifyEmail } from "@/features/auth/api/sign-up";
import { ApiError } from "@/shared/lib/api/api-client";
import { ErrorSummary, FieldErrors } from "@/shared/ui/errors";

/** The emailed link lands here: the sign-up's password completes it. */
export function VerifyEmailPage() {
  const [params] = useSearchParams();
  const key = params.get("key") ?? "";
  const [password, setPassword] = useState("");
  const verify = useVerifyEmail();
  const navigate = useNavigate();
  const id = useId();
  const error = verify.error instanceof ApiError ? verify.error : null;
  function submit(event: FormEvent) {
    event.preventDefault();
    verify.mutate({ key, password }, { onSuccess: () => navigate("/", { replace: true }) });
  }
  if (!key) {
    return (
      <main className="narrow">
        <h1>Finish signing up</h1>
        <p className="error-summary">This link has no key: open the link from the email again.</p>
        <Link to="/sign-up">Sign up</Link>
      </main>
    );
  }
  return (
    <main className="narrow">
      <h1>Finish signing up</h1>
      <form className="stack" onSubmit={submit} aria-label="Finish signing up" noValidate>
        {verify.error && !(error && error.forField("password").length) ? <ErrorSummary error={verify.error} /> : null}
        <label className="field">
          <span>Password</span>
          <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} aria-describedby={`${id}-password`} />
          <FieldErrors id={`${id}-password`} messages={error?.forField("password")} />
        </label>
        <button type="submit" className="primary" disabled={verify.isPending}>
          Finish signing up
        </button>
      </form>
    </main>
  );
}
