import { useMutation } from "@tanstack/react-query";

import { api, unwrap } from "@/shared/lib/api/api-client";
import { setToken } from "@/shared/lib/session/token";

export function useRegister() {
  return useMutation({
    mutationFn: (body: { name: string; email: string; password: string }) => unwrap(api.POST("/api/v1/auth/register", { body })),
  });
}

/** Completes sign-up with the emailed key and the sign-up's password; signs in on success. */
export function useVerifyEmail() {
  return useMutation({
    mutationFn: async ({ key, password }: { key: string; password: string }) => {
      // The key proves the mailbox, the password proves the sign-up (see the API docs).
      const made = await unwrap(api.POST("/api/v1/auth/verify", { body: { key, password } }));
      setToken(made.token);
      return made;
    },
  });
}
