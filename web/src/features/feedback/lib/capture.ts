import { paint, type Shape } from "./shapes";

/**
 * The current frame with the drawing on it, as the API's screenshot:
 * `data:image/webp;base64,…` at the video's own size. Media is same-origin, so the canvas is
 * not tainted; a browser without WebP encoding falls back to PNG (the API takes both).
 */
export function captureFrame(video: HTMLVideoElement, shapes: readonly Shape[]): string {
  const canvas = document.createElement("canvas");
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const context = canvas.getContext("2d");
  if (!context) throw new Error("This browser cannot draw the frame.");
  context.drawImage(video, 0, 0, canvas.width, canvas.height);
  paint(context, shapes);
  const webp = canvas.toDataURL("image/webp", 0.92);
  return webp.startsWith("data:image/webp") ? webp : canvas.toDataURL("image/png");
}
