import { useDeferredValue, useEffect, useMemo, useState } from "react";

import { useMe } from "@/features/auth/api/session";
import { useMembers } from "@/features/comments/api/comments";
import { useCreateFeedback, useFeedbacks, type Feedback, type Priority } from "@/features/feedback/api/feedback";
import { DrawingLayer } from "@/features/feedback/components/drawing-layer";
import { FeedbackComposer, type Draft } from "@/features/feedback/components/feedback-composer";
import { FeedbackPanel } from "@/features/feedback/components/feedback-panel";
import { Timeline } from "@/features/feedback/components/timeline";
import { captureFrame } from "@/features/feedback/lib/capture";
import { handlePlayerKey, PlayerControls } from "@/features/player/components/player-controls";
import { usePlayer } from "@/features/player/hooks/use-player";
import { PresenceAvatars } from "@/features/presence/components/presence";
import { UploadForm } from "@/features/uploads/components/upload-form";
import { VersionSwitcher } from "@/features/videos/components/version-switcher";
import { playbackUrl, rateText, useProject, type Video } from "@/features/videos/api/videos";
import { frameToSeconds, parseRate, timecodeAt } from "@/shared/lib/time/timecode";
import { ErrorSummary } from "@/shared/ui/errors";

import { useRoom } from "./use-room";

const NONE: Feedback[] = [];

/** Reviewing one video: the player with its drawing layer, the timeline, feedback and comments, live. */
export function ReviewWorkspace({ video }: { video: Video }) {
  const rate = parseRate(rateText(video));
  const player = usePlayer(rate);
  const feedbacks = useFeedbacks(video.id);
  const project = useProject(video.project_id);
  const members = useMembers(video.project_id);
  const me = useMe();
  const room = useRoom(video.id);
  const create = useCreateFeedback(video.id);
  const [selected, setSelected] = useState<Feedback | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [size, setSize] = useState({ width: 1280, height: 720 });

  const role = project.data?.role ?? "viewer";
  const people = useMemo(() => (members.data ?? []).map((m) => ({ id: m.user.id, name: m.user.name })), [members.data]);
  const items = feedbacks.data ?? NONE;
  // The timeline's markers first: the list beside the player renders in a later, interruptible pass.
  const listed = useDeferredValue(items, NONE);
  const current = selected ? items.find((f) => f.id === selected.id) ?? null : null;

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (draft) return; // while composing, keys type text
      if (handlePlayerKey(event, player)) event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [player, draft]);

  function startFeedback() {
    player.controls.pause();
    setSelected(null);
    setDraft({ tool: "rectangle", color: "#FF0000", width: 4, shapes: [] });
  }

  function post(content: string, priority: Priority) {
    const element = player.videoRef.current;
    if (!element || !draft) return;
    // the start of the frame on screen: the server derives the same frame from it
    const timestamp = rate && player.frame !== null ? frameToSeconds(player.frame, rate) : element.currentTime;
    let screenshot: string | undefined;
    try {
      screenshot = element.videoWidth ? captureFrame(element, draft.shapes) : undefined;
    } catch {
      screenshot = undefined; // the feedback still goes out, without a picture
    }
    create.mutate(
      {
        video_id: video.id,
        timestamp: Math.round(timestamp * 1e6) / 1e6,
        content,
        priority,
        ...(screenshot ? { screenshot } : {}),
        ...(draft.shapes.length ? { drawing_data: { shapes: draft.shapes } } : {}),
      },
      {
        onSuccess: (made) => {
          setDraft(null);
          setSelected(made);
        },
      },
    );
  }

  const shown = draft ? draft.shapes : (current?.drawing_data?.shapes ?? []);
  const moment = rate ? timecodeAt(player.state.time, rate) : `${player.state.time.toFixed(2)} s`;
  const canPost = role !== "viewer";

  return (
    <div className="review">
      <div className="review-head">
        <h1>{video.title}</h1>
        <VersionSwitcher video={video} />
        <PresenceAvatars people={room.people} status={room.status} />
      </div>
      <div className="review-body">
        <section className="stage" aria-label="Player">
          <div className="frame" style={{ aspectRatio: `${size.width} / ${size.height}` }}>
            <video
              ref={player.videoRef}
              src={playbackUrl(video)}
              preload="auto"
              playsInline
              crossOrigin="anonymous"
              onLoadedMetadata={(e) => setSize({ width: e.currentTarget.videoWidth || 1280, height: e.currentTarget.videoHeight || 720 })}
              aria-label={`Video: ${video.title}`}
            />
            <DrawingLayer
              width={size.width}
              height={size.height}
              shapes={shown}
              tool={draft?.tool ?? null}
              style={draft ? { color: draft.color, width: draft.width } : undefined}
              onShape={(shape) => draft && setDraft({ ...draft, shapes: [...draft.shapes, shape] })}
              askText={() => window.prompt("Text for the drawing")}
            />
          </div>
          <PlayerControls player={player} />
          <Timeline
            feedbacks={items}
            duration={player.state.duration || video.duration || 0}
            time={player.state.time}
            rate={rate}
            selectedId={current?.id ?? null}
            onSeek={player.controls.seek}
            onSelect={(feedback) => {
              setDraft(null);
              setSelected(feedback);
              player.controls.pause();
              player.controls.seek(rate ? frameToSeconds(Math.round(feedback.timestamp * (rate.num / rate.den)), rate) + 1e-3 : feedback.timestamp);
            }}
          />
          {canPost && !draft ? (
            <button type="button" className="primary" onClick={startFeedback}>
              Add feedback
            </button>
          ) : null}
          {role === "owner" || role === "editor" ? (
            <details>
              <summary>New version</summary>
              <UploadForm projectId={video.project_id} videoId={video.id} label="Upload a new version" />
            </details>
          ) : null}
          {!canPost ? <p className="muted">You can watch and read: viewers do not post feedback.</p> : null}
          {draft ? (
            <FeedbackComposer
              moment={moment}
              draft={draft}
              onDraft={setDraft}
              onPost={post}
              onCancel={() => setDraft(null)}
              pending={create.isPending}
              error={create.error}
            />
          ) : null}
        </section>
        {feedbacks.error ? <ErrorSummary error={feedbacks.error} /> : null}
        <FeedbackPanel
          videoId={video.id}
          feedbacks={listed}
          rate={rate}
          selectedId={current?.id ?? null}
          onSelect={(feedback) => {
            setSelected(feedback);
            player.controls.pause();
            player.controls.seek(feedback.timestamp);
          }}
          me={me.data?.id ?? ""}
          role={role}
          people={people}
          loading={feedbacks.isPending || listed !== items}
        />
      </div>
    </div>
  );
}
