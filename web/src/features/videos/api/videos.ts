import { useQuery } from "@tanstack/react-query";

import type { components } from "@/generated/openapi";
import { api, unwrap } from "@/shared/lib/api/api-client";

export type Video = components["schemas"]["Video"];

export const videoKey = (id: string) => ["video", id] as const;
export const projectKey = (id: string) => ["project", id] as const;
export const videosKey = (projectId: string) => ["videos", projectId] as const;

export function useVideo(id: string) {
  return useQuery({
    queryKey: videoKey(id),
    queryFn: () => unwrap(api.GET("/api/v1/videos/{video_id}", { params: { path: { video_id: id } } })),
  });
}

export function useProject(id: string | undefined) {
  return useQuery({
    queryKey: projectKey(id ?? ""),
    enabled: Boolean(id),
    queryFn: () => unwrap(api.GET("/api/v1/projects/{project_id}", { params: { path: { project_id: id ?? "" } } })),
  });
}

export function useVideos(projectId: string) {
  return useQuery({
    queryKey: videosKey(projectId),
    queryFn: () => unwrap(api.GET("/api/v1/videos", { params: { query: { project_id: projectId } } })),
  });
}

/** Where the browser plays a video: its playable proxy or original when the server holds it. */
export function playbackUrl(video: Video): string {
  const held = video as Video & { playback_url?: string | null };
  return held.playback_url ?? video.url;
}

/** The video's exact frame rate as the API states it ("24000/1001"), if known. */
export function rateText(video: Video): string | null {
  return (video as Video & { fps?: string | null }).fps ?? null;
}

/** Every version (cut) of a video, first to last. */
export function useVersions(id: string) {
  return useQuery({
    queryKey: ["versions", id],
    queryFn: () => unwrap(api.GET("/api/v1/videos/{video_id}/versions", { params: { path: { video_id: id } } })),
  });
}
