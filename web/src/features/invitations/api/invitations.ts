import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { projectsKey } from "@/features/projects/api/projects";
import { api, unwrap } from "@/shared/lib/api/api-client";

export const invitationsKey = ["invitations"] as const;

/** Invitations sent to my email address. */
export function useMyInvitations() {
  return useQuery({ queryKey: invitationsKey, queryFn: () => unwrap(api.GET("/api/v1/invitations")) });
}

export function useAnswerInvitation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, accept }: { id: string; accept: boolean }) =>
      accept
        ? unwrap(api.POST("/api/v1/invitations/{invitation_id}/accept", { params: { path: { invitation_id: id } } }))
        : unwrap(api.POST("/api/v1/invitations/{invitation_id}/decline", { params: { path: { invitation_id: id } } })),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: invitationsKey });
      void client.invalidateQueries({ queryKey: projectsKey });
    },
  });
}

export function useAcceptByKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (key: string) => unwrap(api.POST("/api/v1/invitations/accept", { body: { key } })),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: invitationsKey });
      void client.invalidateQueries({ queryKey: projectsKey });
    },
  });
}
