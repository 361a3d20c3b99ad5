import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, nextPage, unwrap } from "@/shared/lib/api/api-client";

export const projectsKey = ["projects"] as const;

export function useProjects() {
  return useQuery({ queryKey: projectsKey, queryFn: () => unwrap(api.GET("/api/v1/projects")) });
}

export function useCreateProject() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => unwrap(api.POST("/api/v1/projects", { body: { name } })),
    onSuccess: () => client.invalidateQueries({ queryKey: projectsKey }),
  });
}

export type Role = "owner" | "editor" | "reviewer" | "viewer";

/** One page of a project's videos, newest first, and the cursor of the next page. */
export function useVideoPage(projectId: string, cursor: string | null) {
  return useQuery({
    queryKey: ["videos", projectId, cursor ?? ""],
    queryFn: async () => {
      const call = await api.GET("/api/v1/videos", {
        params: { query: { project_id: projectId, limit: 24, ...(cursor ? { cursor } : {}) } },
      });
      const videos = await unwrap(Promise.resolve(call));
      const next = nextPage(call.response);
      return { videos, next: next ? new URL(next, location.origin).searchParams.get("cursor") : null };
    },
    // a video still processing gets its poster and status without a reload
    refetchInterval: (query) => (query.state.data?.videos.some((v) => v.status === "processing") ? 5000 : false),
  });
}

export function useInvite(projectId: string) {
  return useMutation({
    mutationFn: (body: { email: string; role: Role }) =>
      unwrap(api.POST("/api/v1/projects/{project_id}/invitations", { params: { path: { project_id: projectId } }, body })),
  });
}

export function useLeaveProject(projectId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/projects/{project_id}/members/me", { params: { path: { project_id: projectId } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: projectsKey }),
  });
}
