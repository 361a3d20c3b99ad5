import { Link } from "react-router";

export function NotFoundPage() {
  return (
    <section>
      <h1>Not found</h1>
      <p>
        There is nothing here, or it belongs to a project you are not a member of. <Link to="/">Your projects</Link>
      </p>
    </section>
  );
}
