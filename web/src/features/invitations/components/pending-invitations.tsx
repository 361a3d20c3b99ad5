import { ErrorSummary } from "@/shared/ui/errors";

import { useAnswerInvitation, useMyInvitations } from "../api/invitations";

/** Pending invitations to my address, each with Accept and Decline. */
export function PendingInvitations() {
  const invitations = useMyInvitations();
  const answer = useAnswerInvitation();
  if (invitations.isPending) return null;
  if (invitations.error) return <ErrorSummary error={invitations.error} />;
  const pending = invitations.data.filter((i) => i.status === "pending");
  if (pending.length === 0) return null;
  return (
    <section className="stack" aria-label="Invitations">
      <h2>Invitations</h2>
      {answer.error ? <ErrorSummary error={answer.error} /> : null}
      <ul className="cards">
        {pending.map((invitation) => (
          <li key={invitation.id} className="card">
            <span>
              <strong>{invitation.project.name}</strong> as {invitation.role}
              {invitation.invited_by ? <span className="muted"> from {invitation.invited_by.name}</span> : null}
            </span>
            <span className="inline">
              <button type="button" className="primary" disabled={answer.isPending} onClick={() => answer.mutate({ id: invitation.id, accept: true })} aria-label={`Accept ${invitation.project.name}`}>
                Accept
              </button>
              <button type="button" disabled={answer.isPending} onClick={() => answer.mutate({ id: invitation.id, accept: false })} aria-label={`Decline ${invitation.project.name}`}>
                Decline
              </button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
