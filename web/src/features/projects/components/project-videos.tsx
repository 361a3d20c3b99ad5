import { useState } from "react";
import { Link } from "react-router";

import { ErrorSummary } from "@/shared/ui/errors";

import { useVideoPage } from "../api/projects";

/** A project's videos with their posters and status, a page at a time. */
export function ProjectVideos({ projectId }: { projectId: string }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const page = useVideoPage(projectId, cursor);
  if (page.isPending) return <p>Loading videos…</p>;
  if (page.error) return <ErrorSummary error={page.error} />;
  const { videos, next } = page.data;
  return (
    <section className="stack" aria-label="Videos">
      {videos.length === 0 ? <p className="muted">No videos yet.</p> : null}
      <ul className="videos">
        {videos.map((video) => (
          <li key={video.id} className="video-card">
            {video.poster_url ? <img src={video.poster_url} alt="" loading="lazy" /> : <div className="poster" aria-hidden="true" />}
            <div className="body">
              <Link to={`/videos/${video.id}`}>{video.title}</Link>
              <span className={`muted status-${video.status ?? "ready"}`}>
                {video.status === "failed"
                  ? `Failed: ${video.failure_reason ?? "the file cannot be played"}`
                  : video.status === "processing"
                    ? "Processing…"
                    : `Version ${video.version ?? 1}`}
              </span>
            </div>
          </li>
        ))}
      </ul>
      <div className="inline-form">
        {cursors.length > 1 ? (
          <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous page
          </button>
        ) : null}
        {next ? (
          <button type="button" onClick={() => setCursors([...cursors, next])}>
            Next page
          </button>
        ) : null}
      </div>
    </section>
  );
}
