import type { components } from "@/generated/openapi";
import { api, unwrap } from "@/shared/lib/api/api-client";

export type Upload = components["schemas"]["Upload"];

/** Parts of 8 MiB, each sent at the upload's offset with its SHA-256. */
export const PART_BYTES = 8 * 1024 * 1024;

export interface UploadTarget {
  projectId: string;
  title: string;
  /** A new version of this video, else a new video. */
  videoId?: string;
}

async function sha256Hex(data: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", data);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Announces a file of `size` bytes: the server answers with the upload at offset 0. */
export function startUpload(file: { name: string; size: number }, target: UploadTarget): Promise<Upload> {
  return unwrap(
    api.POST("/api/v1/uploads", {
      body: {
        project_id: target.projectId,
        title: target.title,
        filename: file.name,
        size: file.size,
        ...(target.videoId ? { video_id: target.videoId } : {}),
      },
    }),
  );
}

/** An earlier upload as the server holds it (its offset says where to go on). */
export function uploadState(uploadId: string): Promise<Upload> {
  return unwrap(api.GET("/api/v1/uploads/{upload_id}", { params: { path: { upload_id: uploadId } } }));
}

/** Sends one part at `offset`, as raw bytes with their SHA-256; answers the new offset. */
export async function sendPart(uploadId: string, offset: number, part: ArrayBuffer): Promise<Upload> {
  const sha256 = await sha256Hex(part);
  return unwrap(
    api.PATCH("/api/v1/uploads/{upload_id}", {
      params: { path: { upload_id: uploadId }, query: { offset, sha256 } },
      body: part as never,
      bodySerializer: (body: unknown) => body as BodyInit,
      headers: { "Content-Type": "application/octet-stream" },
    }),
  );
}

/** Finishes an upload that holds every byte: the new video (processing). */
export function completeUpload(uploadId: string) {
  return unwrap(api.POST("/api/v1/uploads/{upload_id}/complete", { params: { path: { upload_id: uploadId } } }));
}

/**
 * Uploads `file` in resumable parts and completes it; `onProgress` gets the bytes the server
 * holds. Pass `resumeId` to go on with an earlier upload from the offset the server says.
 * Returns the new video's id.
 */
export async function uploadVideo(
  file: File,
  target: UploadTarget,
  onProgress: (sent: number, uploadId: string) => void,
  resumeId?: string,
): Promise<string> {
  const upload = resumeId ? await uploadState(resumeId) : await startUpload(file, target);
  let offset = upload.offset;
  onProgress(offset, upload.id);
  while (offset < file.size) {
    const part = await file.slice(offset, offset + PART_BYTES).arrayBuffer();
    offset = (await sendPart(upload.id, offset, part)).offset;
    onProgress(offset, upload.id);
  }
  const video = await completeUpload(upload.id);
  return video.id;
}
