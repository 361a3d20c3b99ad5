import { useCallback, useEffect, useRef, useState } from "react";

import { frameToSeconds, secondsToFrame, timecodeAt, type Rate } from "@/shared/lib/time/timecode";

export const SPEEDS = [0.25, 0.5, 1, 1.5, 2, 4] as const;

export interface PlayerState {
  playing: boolean;
  time: number;
  duration: number;
  speed: number;
  /** A range to loop, in seconds (I sets the start, O the end). */
  loop: { start: number | null; end: number | null };
}

/** The video element's state, and the reviewer's controls over it. */
export function usePlayer(rate: Rate | null) {
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const [state, setState] = useState<PlayerState>({
    playing: false,
    time: 0,
    duration: 0,
    speed: 1,
    loop: { start: null, end: null },
  });
  const loopRef = useRef(state.loop);
  loopRef.current = state.loop;
  const rateRef = useRef(rate);
  rateRef.current = rate;

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    let frameRequest = 0;
    const sync = () => {
      const { start, end } = loopRef.current;
      if (start !== null && end !== null && end > start && video.currentTime >= end) video.currentTime = start;
      setState((s) => ({ ...s, time: video.currentTime, duration: Number.isFinite(video.duration) ? video.duration : s.duration }));
    };
    const tick = () => {
      sync();
      if (!video.paused) frameRequest = requestAnimationFrame(tick);
    };
    const onPlay = () => {
      setState((s) => ({ ...s, playing: true }));
      frameRequest = requestAnimationFrame(tick);
    };
    const onPause = () => {
      cancelAnimationFrame(frameRequest);
      setState((s) => ({ ...s, playing: false }));
      // While playing, the picture on screen runs ahead of currentTime; land in the middle
      // of the frame currentTime names, so the frame shown is the frame feedback is pinned to.
      const paceRate = rateRef.current;
      if (paceRate && !video.ended) {
        const shown = secondsToFrame(video.currentTime, paceRate);
        video.currentTime = frameToSeconds(shown, paceRate) + frameToSeconds(1, paceRate) / 2 - 1e-4;
      }
      sync();
    };
    video.addEventListener("play", onPlay);
    video.addEventListener("pause", onPause);
    video.addEventListener("seeked", sync);
    video.addEventListener("loadedmetadata", sync);
    video.addEventListener("timeupdate", sync);
    return () => {
      cancelAnimationFrame(frameRequest);
      video.removeEventListener("play", onPlay);
      video.removeEventListener("pause", onPause);
      video.removeEventListener("seeked", sync);
      video.removeEventListener("loadedmetadata", sync);
      video.removeEventListener("timeupdate", sync);
    };
  }, []);

  const video = () => videoRef.current;
  const frame = rate ? secondsToFrame(state.time, rate) : null;

  const seek = useCallback((seconds: number) => {
    const element = videoRef.current;
    if (!element) return;
    const end = Number.isFinite(element.duration) ? element.duration : seconds;
    element.currentTime = Math.min(Math.max(0, seconds), end);
  }, []);

  /** Land on the start of a frame (plus half a frame, so rounding in the decoder cannot fall short). */
  const seekFrame = useCallback(
    (target: number) => {
      if (!rate) return;
      const clamped = Math.max(0, target);
      seek(frameToSeconds(clamped, rate) + frameToSeconds(1, rate) / 2 - 1e-4);
    },
    [rate, seek],
  );

  const controls = {
    play: () => void video()?.play(),
    pause: () => video()?.pause(),
    toggle: () => (video()?.paused ? void video()?.play() : video()?.pause()),
    seek,
    step: (frames: number) => {
      video()?.pause();
      if (rate && frame !== null) seekFrame(frame + frames);
      else seek(state.time + frames / 25);
    },
    setSpeed: (speed: number) => {
      const element = video();
      if (element) element.playbackRate = speed;
      setState((s) => ({ ...s, speed }));
    },
    /** J/K/L: J slower (or back to 1×), K pause, L faster. */
    shuttle: (key: "j" | "k" | "l") => {
      const element = video();
      if (!element) return;
      if (key === "k") return element.pause();
      const index = SPEEDS.indexOf(state.speed as (typeof SPEEDS)[number]);
      const next = key === "l" ? SPEEDS[Math.min(SPEEDS.length - 1, element.paused ? 2 : index + 1)] : SPEEDS[Math.max(0, index - 1)];
      controls.setSpeed(next ?? 1);
      if (key === "l") void element.play();
    },
    markIn: () => setState((s) => ({ ...s, loop: { ...s.loop, start: s.time } })),
    markOut: () => setState((s) => ({ ...s, loop: { ...s.loop, end: s.time } })),
    clearLoop: () => setState((s) => ({ ...s, loop: { start: null, end: null } })),
  };

  return {
    videoRef,
    state,
    frame,
    timecode: rate ? timecodeAt(state.time, rate) : null,
    controls,
  };
}
