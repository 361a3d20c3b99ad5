import { useId, useState, type FormEvent } from "react";
import { Link } from "react-router";

import { useRegister } from "@/features/auth/api/sign-up";
import { ErrorSummary, FieldErrors, fieldMessages, needsSummary } from "@/shared/ui/errors";

export function SignUpPage() {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const register = useRegister();
  const id = useId();
  // The server's 400 details and the request validator's problems, beside their fields.
  const error = register.error;
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
        {needsSummary(error, fields) ? <ErrorSummary error={error} /> : null}
        <label className="field">
          <span>Name</span>
          <input autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} aria-describedby={`${id}-name`} />
        </label>
        <FieldErrors id={`${id}-name`} messages={fieldMessages(error, "name")} />
        <label className="field">
          <span>Email</span>
          <input type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} aria-describedby={`${id}-email`} />
        </label>
        <FieldErrors id={`${id}-email`} messages={fieldMessages(error, "email")} />
        <label className="field">
          <span>Password</span>
          <input type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} aria-describedby={`${id}-password`} />
        </label>
        <FieldErrors id={`${id}-password`} messages={fieldMessages(error, "password")} />
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
