import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useSyncExternalStore } from "react";

import { api, unwrap } from "@/shared/lib/api/api-client";
import { getToken, onTokenChange, setToken } from "@/shared/lib/session/token";

export const meKey = ["me"] as const;

export function useToken(): string | null {
  return useSyncExternalStore(onTokenChange, getToken, () => null);
}

/** The signed-in user, or null when nobody is signed in. */
export function useMe() {
  const token = useToken();
  const client = useQueryClient();
  useEffect(() => {
    if (!token) client.removeQueries({ queryKey: meKey });
  }, [token, client]);
  return useQuery({
    queryKey: [...meKey, token],
    enabled: Boolean(token),
    queryFn: () => unwrap(api.GET("/api/v1/me")),
  });
}

export async function signIn(email: string, password: string): Promise<void> {
  const { token } = await unwrap(api.POST("/api/v1/auth/token", { body: { email, password } }));
  setToken(token);
}
