/**
 * Frame-accurate time in the player: the same rules as the server's
 * (videoplanet/feedback/timecode.py). A rate is exact (`24000/1001`); frame n starts at
 * n / rate seconds; the frame shown at t is the last that started at or before t, found
 * with a microsecond of tolerance so seconds → frame → seconds never drifts. 29.97 and
 * 59.94 label frames with drop-frame timecode (`HH:MM:SS;FF`), every other rate non-drop.
 */

export interface Rate {
  num: number;
  den: number;
}

const EPSILON = 1e-6;

/** `"24000/1001"` or `"25"` → the rate; anything else (`""`: unknown) → null. */
export function parseRate(value: string | null | undefined): Rate | null {
  const match = /^(\d+)(?:\/(\d+))?$/.exec(value ?? "");
  if (!match) return null;
  const num = Number(match[1]);
  const den = match[2] === undefined ? 1 : Number(match[2]);
  return num > 0 && den > 0 ? { num, den } : null;
}

export function fps(rate: Rate): number {
  return rate.num / rate.den;
}

/** The frame shown at `seconds` (≥ 0). */
export function secondsToFrame(seconds: number, rate: Rate): number {
  return Math.max(0, Math.floor(((seconds + EPSILON) * rate.num) / rate.den));
}

/** When frame `frame` starts, in seconds. */
export function frameToSeconds(frame: number, rate: Rate): number {
  return (frame * rate.den) / rate.num;
}

/** Frames per timecode second: the rate rounded half up (24 for 24000/1001). */
export function nominalRate(rate: Rate): number {
  return Math.max(1, Math.floor(rate.num / rate.den + 0.5));
}

function droppedPerMinute(rate: Rate): number {
  if (rate.num * 1001 === rate.den * 30000) return 2;
  if (rate.num * 1001 === rate.den * 60000) return 4;
  return 0;
}

export function isDropFrame(rate: Rate): boolean {
  return droppedPerMinute(rate) > 0;
}

const two = (n: number) => String(n).padStart(2, "0");

/** The SMPTE label of a frame. */
export function frameToTimecode(frame: number, rate: Rate): string {
  const base = nominalRate(rate);
  const dropped = droppedPerMinute(rate);
  let label = frame;
  if (dropped) {
    const perMinute = base * 60 - dropped;
    const perTenMinutes = base * 600 - dropped * 9;
    const tens = Math.floor(frame / perTenMinutes);
    const rest = frame % perTenMinutes;
    label += dropped * 9 * tens;
    if (rest >= dropped) label += dropped * Math.floor((rest - dropped) / perMinute);
  }
  const ff = label % base;
  const secondsTotal = Math.floor(label / base);
  const ss = secondsTotal % 60;
  const minutesTotal = Math.floor(secondsTotal / 60);
  return `${two(Math.floor(minutesTotal / 60))}:${two(minutesTotal % 60)}:${two(ss)}${dropped ? ";" : ":"}${two(ff)}`;
}

/** The timecode of the frame shown at `seconds`. */
export function timecodeAt(seconds: number, rate: Rate): string {
  return frameToTimecode(secondsToFrame(seconds, rate), rate);
}
