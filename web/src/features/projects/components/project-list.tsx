import { useState, type FormEvent } from "react";
import { Link } from "react-router";

import { ApiError } from "@/shared/lib/api/api-client";
import { ErrorSummary, FieldErrors } from "@/shared/ui/errors";

import { useCreateProject, useProjects } from "../api/projects";

export function ProjectList() {
  const projects = useProjects();
  if (projects.isPending) return <p>Loading projects…</p>;
  if (projects.error) return <ErrorSummary error={projects.error} />;
  if (projects.data.length === 0) return <p className="muted">No projects yet. Create one, or accept an invitation.</p>;
  return (
    <ul className="cards" aria-label="Projects">
      {projects.data.map((project) => (
        <li key={project.id} className="card">
          <Link to={`/projects/${project.id}`}>{project.name}</Link>
          <span className="badge">{project.role}</span>
        </li>
      ))}
    </ul>
  );
}

export function CreateProjectForm() {
  const [name, setName] = useState("");
  const create = useCreateProject();
  const error = create.error instanceof ApiError ? create.error : null;
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(name, { onSuccess: () => setName("") });
  }
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Create a project">
      <label className="field">
        <span>New project</span>
        <input value={name} onChange={(e) => setName(e.target.value)} required aria-describedby="project-name-errors" />
        <FieldErrors id="project-name-errors" messages={error?.forField("name")} />
      </label>
      <button type="submit" disabled={create.isPending}>
        Create project
      </button>
      {create.error && !error?.forField("name").length ? <ErrorSummary error={create.error} /> : null}
    </form>
  );
}
