import { SPEEDS, type usePlayer } from "../hooks/use-player";

type Player = ReturnType<typeof usePlayer>;

const clock = (seconds: number) => {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
};

/** Play/pause, frame steps, speed, loop marks and the current frame's timecode. */
export function PlayerControls({ player }: { player: Player }) {
  const { state, controls, timecode, frame } = player;
  return (
    <div className="player-controls" role="toolbar" aria-label="Player">
      <button type="button" onClick={controls.toggle} aria-label={state.playing ? "Pause" : "Play"}>
        {state.playing ? "❚❚" : "▶"}
      </button>
      <button type="button" onClick={() => controls.step(-1)} aria-label="Previous frame" title="Previous frame (←)">
        ◀︎|
      </button>
      <button type="button" onClick={() => controls.step(1)} aria-label="Next frame" title="Next frame (→)">
        |▶︎
      </button>
      <output className="timecode" aria-label="Timecode">
        {timecode ?? clock(state.time)}
      </output>
      {frame !== null ? <span className="muted">frame {frame}</span> : null}
      <span className="muted">
        {clock(state.time)} / {clock(state.duration)}
      </span>
      <label className="inline">
        <span>Speed</span>
        <select value={state.speed} onChange={(e) => controls.setSpeed(Number(e.target.value))}>
          {SPEEDS.map((speed) => (
            <option key={speed} value={speed}>
              {speed}×
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={controls.markIn} aria-label="Set loop start" title="Loop start (I)">
        I
      </button>
      <button type="button" onClick={controls.markOut} aria-label="Set loop end" title="Loop end (O)">
        O
      </button>
      {state.loop.start !== null || state.loop.end !== null ? (
        <button type="button" onClick={controls.clearLoop}>
          Clear loop
        </button>
      ) : null}
    </div>
  );
}

/** The review page's keys: space/K pause, J/L shuttle, ←/→ frame step, I/O loop marks. */
export function handlePlayerKey(event: KeyboardEvent, player: Player): boolean {
  const target = event.target as HTMLElement | null;
  if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return false;
  if (event.ctrlKey || event.metaKey || event.altKey) return false;
  const { controls } = player;
  switch (event.key) {
    case "ArrowLeft":
      controls.step(-1);
      return true;
    case "ArrowRight":
      controls.step(1);
      return true;
    case "j":
    case "k":
    case "l":
      controls.shuttle(event.key);
      return true;
    case " ":
      if (target?.tagName === "BUTTON") return false;
      controls.toggle();
      return true;
    case "i":
      controls.markIn();
      return true;
    case "o":
      controls.markOut();
      return true;
    default:
      return false;
  }
}
