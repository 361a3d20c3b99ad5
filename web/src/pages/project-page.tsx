import { useParams } from "react-router";

import { InviteForm, LeaveProject, ProjectMembers } from "@/features/projects/components/project-members";
import { ProjectVideos } from "@/features/projects/components/project-videos";
import { UploadForm } from "@/features/uploads/components/upload-form";
import { useProject } from "@/features/videos/api/videos";
import { ErrorSummary } from "@/shared/ui/errors";

import { NotFoundPage } from "./not-found-page";

export function ProjectPage() {
  const { projectId = "" } = useParams();
  const project = useProject(projectId);
  if (project.isPending) return <p>Loading the project…</p>;
  if (project.error) {
    const status = (project.error as { status?: number }).status;
    return status === 404 ? <NotFoundPage /> : <ErrorSummary error={project.error} />;
  }
  const role = project.data.role;
  return (
    <section className="stack">
      <h1>{project.data.name}</h1>
      <h2>Videos</h2>
      <ProjectVideos projectId={projectId} />
      {role === "owner" || role === "editor" ? <UploadForm projectId={projectId} label="Upload a video" /> : null}
      <h2>Members</h2>
      <ProjectMembers projectId={projectId} />
      {role === "owner" || role === "editor" ? <InviteForm projectId={projectId} myRole={role} /> : null}
      <LeaveProject projectId={projectId} />
    </section>
  );
}
