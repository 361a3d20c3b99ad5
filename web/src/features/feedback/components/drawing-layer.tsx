import { useRef, useState, type PointerEvent } from "react";

import { arrowHead, shapeFrom, toVideoPoint, type Point, type Shape, type Tool } from "../lib/shapes";

function ShapeView({ shape }: { shape: Shape }) {
  const c = shape.coordinates;
  const stroke = { stroke: shape.style.color, strokeWidth: shape.style.width, fill: "none", strokeLinecap: "round" as const };
  switch (shape.type) {
    case "rectangle":
      return <rect x={Math.min(c[0]!, c[2]!)} y={Math.min(c[1]!, c[3]!)} width={Math.abs(c[2]! - c[0]!)} height={Math.abs(c[3]! - c[1]!)} {...stroke} />;
    case "ellipse":
      return <ellipse cx={(c[0]! + c[2]!) / 2} cy={(c[1]! + c[3]!) / 2} rx={Math.abs(c[2]! - c[0]!) / 2} ry={Math.abs(c[3]! - c[1]!) / 2} {...stroke} />;
    case "line":
      return <line x1={c[0]} y1={c[1]} x2={c[2]} y2={c[3]} {...stroke} />;
    case "arrow":
      return (
        <g {...stroke}>
          <line x1={c[0]} y1={c[1]} x2={c[2]} y2={c[3]} />
          {arrowHead(c).map(([x, y], i) => (
            <line key={i} x1={c[2]} y1={c[3]} x2={x} y2={y} />
          ))}
        </g>
      );
    case "freehand": {
      const points = [];
      for (let i = 0; i + 1 < c.length; i += 2) points.push(`${c[i]},${c[i + 1]}`);
      return <polyline points={points.join(" ")} {...stroke} strokeLinejoin="round" />;
    }
    case "text":
      return (
        <text x={c[0]} y={c[1]} fill={shape.style.color} fontSize={Math.max(16, shape.style.width * 8)} dominantBaseline="hanging">
          {shape.text}
        </text>
      );
  }
}

interface DrawingLayerProps {
  width: number;
  height: number;
  shapes: readonly Shape[];
  /** When set, the reviewer draws with this tool; otherwise the layer only shows shapes. */
  tool?: Tool | null;
  style?: { color: string; width: number };
  onShape?: (shape: Shape) => void;
  /** Asked for the words of a text shape. */
  askText?: () => string | null;
}

/** Shapes over the video, in the video's pixel coordinates (an SVG with the video's viewBox). */
export function DrawingLayer({ width, height, shapes, tool = null, style, onShape, askText }: DrawingLayerProps) {
  const svg = useRef<SVGSVGElement | null>(null);
  const [draft, setDraft] = useState<Point[] | null>(null);
  const drawing = Boolean(tool && style && onShape);

  const point = (event: PointerEvent<SVGSVGElement>): Point =>
    toVideoPoint(event.clientX, event.clientY, event.currentTarget.getBoundingClientRect(), { width, height });

  const preview = tool && style && draft ? shapeFrom(tool, draft, style, "…") : null;
  return (
    <svg
      ref={svg}
      className={`drawing-layer${drawing ? " drawing" : ""}`}
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      role={drawing ? "application" : "img"}
      aria-label={drawing ? `Drawing area: drag to draw a ${tool}` : `${shapes.length} drawn shapes`}
      onPointerDown={(event) => {
        if (!drawing) return;
        event.currentTarget.setPointerCapture(event.pointerId);
        setDraft([point(event)]);
      }}
      onPointerMove={(event) => {
        if (!drawing || !draft) return;
        const next = point(event);
        setDraft(tool === "freehand" ? [...draft, next] : [draft[0]!, next]);
      }}
      onPointerUp={(event) => {
        if (!drawing || !draft || !tool || !style || !onShape) return;
        const points = tool === "freehand" ? [...draft, point(event)] : [draft[0]!, point(event)];
        setDraft(null);
        const text = tool === "text" ? (askText?.() ?? "") : "";
        const shape = shapeFrom(tool, points, style, text);
        if (shape) onShape(shape);
      }}
    >
      {shapes.map((shape, index) => (
        <ShapeView key={index} shape={shape} />
      ))}
      {preview && tool !== "text" ? <ShapeView shape={preview} /> : null}
    </svg>
  );
}
