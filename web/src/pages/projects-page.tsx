import { PendingInvitations } from "@/features/invitations/components/pending-invitations";
import { CreateProjectForm, ProjectList } from "@/features/projects/components/project-list";

export function ProjectsPage() {
  return (
    <section className="stack">
      <h1>Your projects</h1>
      <PendingInvitations />
      <ProjectList />
      <CreateProjectForm />
    </section>
  );
}
