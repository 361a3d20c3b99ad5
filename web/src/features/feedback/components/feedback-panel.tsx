import { useEffect, useRef, useState } from "react";

import { CommentThread } from "@/features/comments/components/comment-thread";
import type { Person } from "@/features/comments/lib/mentions";
import type { Rate } from "@/shared/lib/time/timecode";
import { ErrorSummary } from "@/shared/ui/errors";

import { PRIORITIES, STATUSES, useDeleteFeedback, useUpdateFeedback, type Feedback, type Priority, type Status } from "../api/feedback";
import { momentOf } from "./timeline";

interface PanelProps {
  videoId: string;
  feedbacks: Feedback[];
  rate: Rate | null;
  selectedId: string | null;
  onSelect: (feedback: Feedback) => void;
  me: string;
  role: string;
  people: Person[];
  /** The list is still on its way (fetching, or rendering after the timeline). */
  loading?: boolean;
}

const label = (value: string) => value.replace("_", " ");

/** How many entries the list shows at first and adds each time the reader nears its end. */
export const PANEL_PAGE = 40;

/**
 * How many of `total` entries to show: a page at first, a page more each time the reader
 * scrolls near the end (or asks), and always far enough to include the selected entry.
 * A long list (hundreds of feedbacks) then costs the page a page of entries, not all of them.
 */
export function useShownCount(total: number, selectedIndex: number) {
  const [count, setCount] = useState(PANEL_PAGE);
  const sentinel = useRef<HTMLDivElement | null>(null);
  const needed = Math.max(count, selectedIndex + 1);
  useEffect(() => {
    if (needed > count) setCount(Math.ceil(needed / PANEL_PAGE) * PANEL_PAGE);
  }, [needed, count]);
  useEffect(() => {
    const node = sentinel.current;
    if (!node || needed >= total || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) setCount((c) => c + PANEL_PAGE);
    }, { rootMargin: "400px" });
    observer.observe(node);
    return () => observer.disconnect();
  }, [needed, total]);
  return { count: Math.min(needed, total), more: () => setCount((c) => c + PANEL_PAGE), sentinel };
}

/** The feedback list beside the player: filters, status and priority, edit, delete, comments. */
export function FeedbackPanel({ videoId, feedbacks, rate, selectedId, onSelect, me, role, people, loading = false }: PanelProps) {
  const [status, setStatus] = useState<Status | "">("");
  const [priority, setPriority] = useState<Priority | "">("");
  const update = useUpdateFeedback(videoId);
  const remove = useDeleteFeedback(videoId);
  const [editing, setEditing] = useState<{ id: string; text: string } | null>(null);
  const manages = role === "owner" || role === "editor";
  const canComment = role !== "viewer";
  const matching = feedbacks.filter((f) => (!status || f.status === status) && (!priority || f.priority === priority));
  const { count, more, sentinel } = useShownCount(matching.length, matching.findIndex((f) => f.id === selectedId));
  const shown = matching.slice(0, count);

  return (
    <aside className="feedback-panel" aria-label="Feedback">
      <div className="inline-form filters">
        <label className="field">
          <span>Status</span>
          <select value={status} onChange={(e) => setStatus(e.target.value as Status | "")}>
            <option value="">all</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {label(s)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Priority</span>
          <select value={priority} onChange={(e) => setPriority(e.target.value as Priority | "")}>
            <option value="">all</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
      </div>
      {update.error ? <ErrorSummary error={update.error} /> : null}
      {remove.error ? <ErrorSummary error={remove.error} /> : null}
      <ol className="feedback-list">
        {shown.map((feedback) => {
          const mine = feedback.user.id === me;
          const canChange = manages || mine;
          const open = feedback.id === selectedId;
          return (
            <li key={feedback.id} className={`feedback-item priority-${feedback.priority}${open ? " selected" : ""}`}>
              <button type="button" className="moment" onClick={() => onSelect(feedback)} aria-expanded={open}>
                {momentOf(feedback, rate)}
              </button>
              <strong>{feedback.user.name}</strong>
              {editing?.id === feedback.id ? (
                <form
                  onSubmit={(e) => {
                    e.preventDefault();
                    update.mutate({ id: feedback.id, content: editing.text }, { onSuccess: () => setEditing(null) });
                  }}
                >
                  <label className="field">
                    <span className="visually-hidden">Feedback text</span>
                    <textarea value={editing.text} onChange={(e) => setEditing({ id: feedback.id, text: e.target.value })} />
                  </label>
                  <button type="submit">Save</button>
                  <button type="button" onClick={() => setEditing(null)}>
                    Cancel
                  </button>
                </form>
              ) : (
                <p>{feedback.content}</p>
              )}
              <div className="inline-form">
                <label className="field">
                  <span>Status</span>
                  <select
                    value={feedback.status}
                    disabled={!canChange}
                    onChange={(e) => update.mutate({ id: feedback.id, status: e.target.value as Status })}
                  >
                    {STATUSES.map((s) => (
                      <option key={s} value={s}>
                        {label(s)}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="field">
                  <span>Priority</span>
                  <select
                    value={feedback.priority}
                    disabled={!canChange}
                    onChange={(e) => update.mutate({ id: feedback.id, priority: e.target.value as Priority })}
                  >
                    {PRIORITIES.map((p) => (
                      <option key={p} value={p}>
                        {p}
                      </option>
                    ))}
                  </select>
                </label>
                {canChange ? (
                  <>
                    <button type="button" onClick={() => setEditing({ id: feedback.id, text: feedback.content })}>
                      Edit
                    </button>
                    <button
                      type="button"
                      onClick={() => {
                        if (window.confirm("Delete this feedback and its comments?")) remove.mutate(feedback.id);
                      }}
                    >
                      Delete
                    </button>
                  </>
                ) : null}
              </div>
              {open ? <CommentThread feedbackId={feedback.id} people={people} me={me} canWrite={canComment} /> : null}
            </li>
          );
        })}
      </ol>
      {count < matching.length ? (
        <div ref={sentinel} className="more">
          <button type="button" onClick={more}>
            Show more ({matching.length - count} left)
          </button>
        </div>
      ) : null}
      {shown.length === 0 && loading ? <p className="muted">Loading feedback…</p> : null}
      {shown.length === 0 && !loading ? <p className="muted">No feedback{status || priority ? " matches these filters" : " yet"}.</p> : null}
    </aside>
  );
}
