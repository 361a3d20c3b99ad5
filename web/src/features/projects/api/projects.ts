import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "@/shared/lib/api/api-client";

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
