import { Link, useNavigate, useParams } from "react-router";

import { useAcceptByKey } from "@/features/invitations/api/invitations";
import { ErrorSummary } from "@/shared/ui/errors";

/** The emailed invitation link: accept it with its key, signed in with the invited address. */
export function InvitationPage() {
  const { invitationKey = "" } = useParams();
  const accept = useAcceptByKey();
  const navigate = useNavigate();
  return (
    <section className="stack narrow-section">
      <h1>Join a project</h1>
      <p>You were invited to a project on VideoPlanet.</p>
      {accept.error ? <ErrorSummary error={accept.error} /> : null}
      <div className="inline">
        <button
          type="button"
          className="primary"
          disabled={accept.isPending}
          onClick={() => accept.mutate(invitationKey, { onSuccess: (project) => navigate(`/projects/${project.id}`) })}
        >
          Accept invitation
        </button>
        <Link to="/">Not now</Link>
      </div>
    </section>
  );
}
