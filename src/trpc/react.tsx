'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCReact, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/react-query';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { useState, type ReactNode } from 'react';
import { z } from 'zod';
import type { AppRouter } from '~/server/trpc/root';

// zod compiles object parsers with `new Function` when it may; the page's CSP forbids eval,
// so in the browser it parses without (its probe alone would be reported as a violation).
z.config({ jitless: true });

/** The typed hooks of every procedure: `api.jobs.list.useQuery()`. */
export const api = createTRPCReact<AppRouter>();

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { staleTime: 5_000, refetchOnWindowFocus: false } },
      }),
  );
  const [client] = useState(() =>
    api.createClient({
      links: [
        splitLink({
          condition: (op) => op.type === 'subscription',
          true: httpSubscriptionLink({ url: '/api/trpc' }),
          // The server refuses batches over TRPC_MAX_BATCH (10 by default).
          false: httpBatchLink({ url: '/api/trpc', maxItems: 10 }),
        }),
      ],
    }),
  );
  return (
    <api.Provider client={client} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </api.Provider>
  );
}
