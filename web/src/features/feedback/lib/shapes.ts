/**
 * Drawn shapes, always in the video's own pixel coordinates (0..videoWidth, 0..videoHeight),
 * whatever size the player is shown at: what the API stores as `drawing_data`.
 */
import type { components } from "@/generated/openapi";

export type Shape = components["schemas"]["Shape"];
export type Tool = "rectangle" | "ellipse" | "line" | "arrow" | "freehand" | "text";
export type Point = { x: number; y: number };

export const TOOLS: Tool[] = ["rectangle", "ellipse", "line", "arrow", "freehand", "text"];
export const COLOURS = ["#FF0000", "#FFD600", "#00C853", "#2979FF", "#FFFFFF", "#000000"] as const;

/** A point on the displayed element (CSS pixels from its top-left) in video pixels. */
export function toVideoPoint(
  clientX: number,
  clientY: number,
  box: { left: number; top: number; width: number; height: number },
  video: { width: number; height: number },
): Point {
  const x = ((clientX - box.left) / box.width) * video.width;
  const y = ((clientY - box.top) / box.height) * video.height;
  const round = (n: number, max: number) => Math.round(Math.min(Math.max(n, 0), max) * 10) / 10;
  return { x: round(x, video.width), y: round(y, video.height) };
}

/** The shape a drag from `start` through `points` draws with `tool`. */
export function shapeFrom(tool: Tool, points: Point[], style: { color: string; width: number }, text = ""): Shape | null {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return null;
  if (tool === "text") {
    return text.trim() ? { type: "text", coordinates: [first.x, first.y], style, text: text.trim() } : null;
  }
  if (tool === "freehand") {
    const coordinates = points.flatMap((p) => [p.x, p.y]);
    return coordinates.length >= 4 ? { type: "freehand", coordinates: coordinates.slice(0, 4000), style } : null;
  }
  if (first.x === last.x && first.y === last.y) return null;
  return { type: tool, coordinates: [first.x, first.y, last.x, last.y], style };
}

/** Paints shapes onto a 2D context whose pixels are the video's pixels (the screenshot). */
export function paint(context: CanvasRenderingContext2D, shapes: readonly Shape[]): void {
  for (const shape of shapes) {
    const c = shape.coordinates;
    context.strokeStyle = shape.style.color;
    context.fillStyle = shape.style.color;
    context.lineWidth = shape.style.width;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.beginPath();
    switch (shape.type) {
      case "rectangle":
        context.strokeRect(Math.min(c[0]!, c[2]!), Math.min(c[1]!, c[3]!), Math.abs(c[2]! - c[0]!), Math.abs(c[3]! - c[1]!));
        break;
      case "ellipse":
        context.ellipse((c[0]! + c[2]!) / 2, (c[1]! + c[3]!) / 2, Math.abs(c[2]! - c[0]!) / 2, Math.abs(c[3]! - c[1]!) / 2, 0, 0, Math.PI * 2);
        context.stroke();
        break;
      case "line":
      case "arrow":
        context.moveTo(c[0]!, c[1]!);
        context.lineTo(c[2]!, c[3]!);
        if (shape.type === "arrow") {
          for (const [x, y] of arrowHead(c)) {
            context.moveTo(c[2]!, c[3]!);
            context.lineTo(x, y);
          }
        }
        context.stroke();
        break;
      case "freehand":
        context.moveTo(c[0]!, c[1]!);
        for (let i = 2; i + 1 < c.length; i += 2) context.lineTo(c[i]!, c[i + 1]!);
        context.stroke();
        break;
      case "text":
        context.font = `${Math.max(16, shape.style.width * 8)}px system-ui, sans-serif`;
        context.textBaseline = "top";
        context.fillText(shape.text, c[0]!, c[1]!);
        break;
    }
  }
}

/** The two barbs of an arrow's head, as end points. */
export function arrowHead(c: readonly number[]): [number, number][] {
  const [x1, y1, x2, y2] = c as [number, number, number, number];
  const angle = Math.atan2(y2 - y1, x2 - x1);
  const length = Math.max(10, Math.hypot(x2 - x1, y2 - y1) * 0.15);
  return [angle + Math.PI * 0.85, angle - Math.PI * 0.85].map((a) => [x2 + length * Math.cos(a), y2 + length * Math.sin(a)]);
}
