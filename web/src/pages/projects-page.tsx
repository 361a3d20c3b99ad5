import { CreateProjectForm, ProjectList } from "@/features/projects/components/project-list";

export function ProjectsPage() {
  return (
    <section className="stack">
      <h1>Your projects</h1>
      <ProjectList />
      <CreateProjectForm />
    </section>
  );
}
