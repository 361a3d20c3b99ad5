import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { components } from "@/generated/openapi";
import { api, unwrap } from "@/shared/lib/api/api-client";

export type Comment = components["schemas"]["Comment"];
export type Member = components["schemas"]["Member"];

export const commentsKey = (feedbackId: string) => ["comments", feedbackId] as const;
export const membersKey = (projectId: string) => ["members", projectId] as const;

export function useComments(feedbackId: string) {
  return useQuery({
    queryKey: commentsKey(feedbackId),
    queryFn: () => unwrap(api.GET("/api/v1/comments", { params: { query: { feedback_id: feedbackId } } })),
  });
}

export function useMembers(projectId: string) {
  return useQuery({
    queryKey: membersKey(projectId),
    queryFn: () => unwrap(api.GET("/api/v1/projects/{project_id}/members", { params: { path: { project_id: projectId } } })),
  });
}

export function useAddComment(feedbackId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { content: string; parent_id?: string | null; mentions: string[] }) =>
      unwrap(api.POST("/api/v1/comments", { body: { feedback_id: feedbackId, ...body } })),
    onSuccess: () => client.invalidateQueries({ queryKey: commentsKey(feedbackId) }),
  });
}

export function useReaction(feedbackId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ commentId, emoji, add }: { commentId: string; emoji: string; add: boolean }) =>
      add
        ? unwrap(api.POST("/api/v1/comments/{comment_id}/reactions", { params: { path: { comment_id: commentId } }, body: { emoji } }))
        : unwrap(
            api.DELETE("/api/v1/comments/{comment_id}/reactions/{emoji}", {
              params: { path: { comment_id: commentId, emoji } },
            }),
          ),
    onSuccess: () => client.invalidateQueries({ queryKey: commentsKey(feedbackId) }),
  });
}
