import { timecodeAt, type Rate } from "@/shared/lib/time/timecode";

import type { Feedback } from "../api/feedback";

export function firstWords(text: string, count = 6): string {
  const words = text.trim().split(/\s+/);
  return words.slice(0, count).join(" ") + (words.length > count ? "…" : "");
}

/** The label a reviewer reads for a feedback's moment: its timecode, or m:ss without a known rate. */
export function momentOf(feedback: Pick<Feedback, "timestamp"> & { timecode?: string | null }, rate: Rate | null): string {
  if (feedback.timecode) return feedback.timecode;
  if (rate) return timecodeAt(feedback.timestamp, rate);
  const whole = Math.floor(feedback.timestamp);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

interface TimelineProps {
  feedbacks: readonly Feedback[];
  duration: number;
  time: number;
  rate: Rate | null;
  selectedId: string | null;
  onSelect: (feedback: Feedback) => void;
  onSeek: (seconds: number) => void;
}

/**
 * One marker per feedback under the player: coloured by priority, hollow once resolved or
 * closed; hovering shows the text, clicking seeks there and shows its drawing.
 */
export function Timeline({ feedbacks, duration, time, rate, selectedId, onSelect, onSeek }: TimelineProps) {
  const span = duration > 0 ? duration : Math.max(1, ...feedbacks.map((f) => f.timestamp_end ?? f.timestamp));
  const at = (seconds: number) => `${Math.min(100, Math.max(0, (seconds / span) * 100))}%`;
  return (
    <div className="timeline">
      <input
        type="range"
        className="scrubber"
        aria-label="Position"
        min={0}
        max={span}
        step="any"
        value={Math.min(time, span)}
        onChange={(e) => onSeek(Number(e.target.value))}
      />
      <ol className="markers" aria-label="Feedback on the timeline">
        {feedbacks.map((feedback) => {
          const done = feedback.status === "resolved" || feedback.status === "closed";
          const label = `${momentOf(feedback, rate)} ${firstWords(feedback.content)}`;
          return (
            <li key={feedback.id} style={{ left: at(feedback.timestamp) }}>
              <button
                type="button"
                className={`marker priority-${feedback.priority}${done ? " done" : ""}${feedback.id === selectedId ? " selected" : ""}`}
                aria-label={label}
                aria-pressed={feedback.id === selectedId}
                title={feedback.content}
                onClick={() => onSelect(feedback)}
              />
            </li>
          );
        })}
      </ol>
    </div>
  );
}
