import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { components } from "@/generated/openapi";
import { api, nextPage, unwrap } from "@/shared/lib/api/api-client";

export type Feedback = components["schemas"]["Feedback"];
export type FeedbackCreate = components["schemas"]["FeedbackCreateInput"];
export type Priority = Feedback["priority"];
export type Status = Feedback["status"];

export const PRIORITIES: Priority[] = ["low", "medium", "high", "critical"];
export const STATUSES: Status[] = ["open", "in_progress", "resolved", "closed"];

export const feedbackKey = (videoId: string) => ["feedbacks", videoId] as const;

/** Every feedback of a video, ordered by time (all pages). */
export function useFeedbacks(videoId: string) {
  return useQuery({
    queryKey: feedbackKey(videoId),
    queryFn: async () => {
      const all: Feedback[] = [];
      let cursor: string | undefined;
      for (;;) {
        const { data, error, response } = await api.GET("/api/v1/feedbacks", {
          params: { query: { video_id: videoId, limit: 500, ...(cursor ? { cursor } : {}) } },
        });
        if (!response.ok || !data) return unwrap(Promise.resolve({ data, error, response }));
        all.push(...data);
        const next = nextPage(response);
        cursor = next ? (new URL(next, location.origin).searchParams.get("cursor") ?? undefined) : undefined;
        if (!cursor) return all;
      }
    },
  });
}

export function useCreateFeedback(videoId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: FeedbackCreate) => unwrap(api.POST("/api/v1/feedbacks", { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: feedbackKey(videoId) }),
  });
}

export function useUpdateFeedback(videoId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: string; status?: Status; priority?: Priority; content?: string }) =>
      unwrap(api.PATCH("/api/v1/feedbacks/{feedback_id}", { params: { path: { feedback_id: id } }, body })),
    onSuccess: () => client.invalidateQueries({ queryKey: feedbackKey(videoId) }),
  });
}

export function useDeleteFeedback(videoId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/v1/feedbacks/{feedback_id}", { params: { path: { feedback_id: id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: feedbackKey(videoId) }),
  });
}
