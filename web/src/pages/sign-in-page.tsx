import { Link, useNavigate, useSearchParams } from "react-router";

import { SignInForm } from "@/features/auth/components/sign-in-form";

export function SignInPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get("next");
  return (
    <main className="narrow">
      <h1>VideoPlanet</h1>
      <p className="muted">Review videos together, frame by frame.</p>
      <h2>Sign in</h2>
      <SignInForm onSignedIn={() => navigate(next?.startsWith("/") ? next : "/", { replace: true })} />
      <p>
        New here? <Link to="/sign-up">Sign up</Link>
      </p>
    </main>
  );
}
