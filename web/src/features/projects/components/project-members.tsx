import { useId, useState, type FormEvent } from "react";
import { useNavigate } from "react-router";

import { useMembers } from "@/features/comments/api/comments";
import { ApiError } from "@/shared/lib/api/api-client";
import { ErrorSummary, FieldErrors } from "@/shared/ui/errors";

import { useInvite, useLeaveProject, type Role } from "../api/projects";

const ROLES: Role[] = ["viewer", "reviewer", "editor", "owner"];

export function ProjectMembers({ projectId }: { projectId: string }) {
  const members = useMembers(projectId);
  if (members.isPending) return <p>Loading members…</p>;
  if (members.error) return <ErrorSummary error={members.error} />;
  return (
    <ul className="stack" aria-label="Members">
      {members.data.map((member) => (
        <li key={member.user.id}>
          {member.user.name} <span className="muted">{member.user.email}</span> <span className="badge">{member.role}</span>
        </li>
      ))}
    </ul>
  );
}

/** Owners and editors invite an address; only owners may offer the owner role. */
export function InviteForm({ projectId, myRole }: { projectId: string; myRole: Role }) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("reviewer");
  const invite = useInvite(projectId);
  const id = useId();
  const error = invite.error instanceof ApiError ? invite.error : null;
  function submit(event: FormEvent) {
    event.preventDefault();
    invite.mutate({ email, role }, { onSuccess: () => setEmail("") });
  }
  return (
    <form className="stack" onSubmit={submit} aria-label="Invite people">
      <div className="inline-form">
        <label className="field">
          <span>Email</span>
          <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} aria-describedby={`${id}-email`} />
        </label>
        <label className="field">
          <span>Role</span>
          <select value={role} onChange={(e) => setRole(e.target.value as Role)} aria-describedby={`${id}-role`}>
            {ROLES.filter((r) => r !== "owner" || myRole === "owner").map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={invite.isPending}>
          Invite
        </button>
      </div>
      <FieldErrors id={`${id}-email`} messages={error?.forField("email")} />
      <FieldErrors id={`${id}-role`} messages={error?.forField("role")} />
      {error && !error.forField("email").length && !error.forField("role").length ? <ErrorSummary error={error} /> : null}
      {invite.isSuccess ? <p role="status">Invitation sent.</p> : null}
    </form>
  );
}

export function LeaveProject({ projectId }: { projectId: string }) {
  const leave = useLeaveProject(projectId);
  const navigate = useNavigate();
  return (
    <div className="stack">
      <button
        type="button"
        onClick={() => {
          if (window.confirm("Leave this project?")) leave.mutate(undefined, { onSuccess: () => navigate("/") });
        }}
        disabled={leave.isPending}
      >
        Leave project
      </button>
      {leave.error ? <ErrorSummary error={leave.error} /> : null}
    </div>
  );
}
