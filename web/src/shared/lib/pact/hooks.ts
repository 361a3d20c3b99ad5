/** Run the app's own query and mutation hooks once, outside any page (for the pact tests). */
import { QueryClient, QueryClientProvider, type UseMutationResult, type UseQueryResult } from "@tanstack/react-query";
import { act, renderHook, waitFor } from "@testing-library/react";
import { createElement, type ReactNode } from "react";

function wrapper() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return ({ children }: { children: ReactNode }) => createElement(QueryClientProvider, { client }, children);
}

/** The settled result of a query hook: its data, or the error its query function threw. */
export async function runQuery<T>(hook: () => UseQueryResult<T>): Promise<{ data: T | undefined; error: unknown }> {
  const { result, unmount } = renderHook(hook, { wrapper: wrapper() });
  await waitFor(() => expect(result.current.isPending).toBe(false), { timeout: 10000 });
  const { data, error } = result.current;
  unmount();
  return { data, error };
}

/** Call a mutation hook once: its data, or the error it threw. */
export async function runMutation<T, V>(
  hook: () => UseMutationResult<T, Error, V>,
  variables: V,
): Promise<{ data: T | undefined; error: unknown }> {
  const { result, unmount } = renderHook(hook, { wrapper: wrapper() });
  let data: T | undefined;
  let error: unknown;
  await act(async () => {
    try {
      data = await result.current.mutateAsync(variables);
    } catch (caught) {
      // an answer the app turned into an error is a result; a request that never arrived is not
      if (caught instanceof TypeError) throw caught;
      error = caught;
    }
  });
  unmount();
  return { data, error };
}
