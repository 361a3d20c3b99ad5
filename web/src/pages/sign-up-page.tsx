import { useId, useState, type FormEvent } from "react";
import { Link } from "react-router";

import { useRegister } from "@/features/auth/api/sign-up";
import { ApiError } from "@/shared/lib/api/api-client";
import { ErrorSummary, FieldErrors } from "@/shared/ui/errors";

export function SignUpPage() {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const register = useRegister();
  const id = useId();
  const error = register.error instanceof ApiError ? register.error : null;
  const fields = ["name", "email", "password"];
  function submit(event: FormEvent) {
    event.preventDefault();
    register.mutate({ name, email, password });
  }
  if (register.isSuccess) {
    return (
      <main className="narrow">
        <h1>Check your email</h1>
        <p role="status">
          We sent a link to <strong>{email}</strong>. Open it to finish signing up.
        </p>
      </main>
    );
  }
  return (
    <main className="narrow">
      <h1>VideoPlanet</h1>
      <h2>Sign up</h2>
      <form className="stack" onSubmit={submit} aria-label="Sign up" noValidate>
        {error && !fields.some((f) => error.forField(f).length) ? <ErrorSummary error={error} /> : null}
        {register.error && !error ? <ErrorSummary error={register.error} /> : null}
        <label className="field">
          <span>Name</span>
          <input autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} aria-describedby={`${id}-name`} />
          <FieldErrors id={`${id}-name`} messages={error?.forField("name")} />
        </label>
        <label className="field">
          <span>Email</span>
          <input type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} aria-describedby={`${id}-email`} />
          <FieldErrors id={`${id}-email`} messages={error?.forField("email")} />
        </label>
        <label className="field">
          <span>Password</span>
          <input type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} aria-describedby={`${id}-password`} />
          <FieldErrors id={`${id}-password`} messages={error?.forField("password")} />
        </label>
        <button type="submit" className="primary" disabled={register.isPending}>
          Sign up
        </button>
      </form>
      <p>
        Have an account? <Link to="/sign-in">Sign in</Link>
      </p>
    </main>
  );
}
