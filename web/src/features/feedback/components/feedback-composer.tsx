import { useId, useState, type FormEvent } from "react";

import { ErrorSummary, FieldErrors, fieldMessages, needsSummary } from "@/shared/ui/errors";

import { PRIORITIES, type Priority } from "../api/feedback";
import { COLOURS, TOOLS, type Shape, type Tool } from "../lib/shapes";

export interface Draft {
  tool: Tool;
  color: string;
  width: number;
  shapes: Shape[];
}

interface ComposerProps {
  moment: string;
  draft: Draft;
  onDraft: (draft: Draft) => void;
  onPost: (content: string, priority: Priority) => void;
  onCancel: () => void;
  pending: boolean;
  error: unknown;
}

/** The form beside a paused frame: tools for the drawing, the text and the priority. */
export function FeedbackComposer({ moment, draft, onDraft, onPost, onCancel, pending, error }: ComposerProps) {
  const [content, setContent] = useState("");
  const [priority, setPriority] = useState<Priority>("medium");
  const id = useId();
  // The server's 400 details and the request validator's problems, beside their fields.
  const shown = ["content", "priority", "drawing_data", "screenshot", "timestamp"];

  function submit(event: FormEvent) {
    event.preventDefault();
    onPost(content, priority);
  }

  return (
    <form className="composer stack" onSubmit={submit} aria-label={`New feedback at ${moment}`}>
      <h2>Feedback at {moment}</h2>
      <fieldset className="tools">
        <legend>Draw</legend>
        {TOOLS.map((tool) => (
          <label key={tool} className="tool">
            <input type="radio" name={`${id}-tool`} value={tool} checked={draft.tool === tool} onChange={() => onDraft({ ...draft, tool })} />
            {tool[0]!.toUpperCase() + tool.slice(1)}
          </label>
        ))}
      </fieldset>
      <div className="inline-form">
        <fieldset className="colours">
          <legend>Colour</legend>
          {COLOURS.map((colour) => (
            <label key={colour} className="swatch" style={{ background: colour }}>
              <input type="radio" name={`${id}-colour`} value={colour} checked={draft.color === colour} onChange={() => onDraft({ ...draft, color: colour })} aria-label={colour} />
            </label>
          ))}
        </fieldset>
        <label className="field">
          <span>Width</span>
          <input type="number" min={1} max={50} value={draft.width} onChange={(e) => onDraft({ ...draft, width: Math.min(50, Math.max(1, Number(e.target.value) || 1)) })} />
        </label>
        <button type="button" onClick={() => onDraft({ ...draft, shapes: draft.shapes.slice(0, -1) })} disabled={!draft.shapes.length}>
          Undo
        </button>
      </div>
      <FieldErrors id={`${id}-drawing`} messages={fieldMessages(error, "drawing_data", "screenshot")} />
      <label className="field">
        <span>Feedback</span>
        <textarea value={content} onChange={(e) => setContent(e.target.value)} rows={3} required aria-describedby={`${id}-content`} />
      </label>
      <FieldErrors id={`${id}-content`} messages={fieldMessages(error, "content", "timestamp")} />
      <label className="field">
        <span>Priority</span>
        <select value={priority} onChange={(e) => setPriority(e.target.value as Priority)} aria-describedby={`${id}-priority`}>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <FieldErrors id={`${id}-priority`} messages={fieldMessages(error, "priority")} />
      {needsSummary(error, shown) ? <ErrorSummary error={error} /> : null}
      <div className="inline-form">
        <button type="submit" className="primary" disabled={pending || !content.trim()}>
          Post feedback
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
