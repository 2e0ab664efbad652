import type { AppRouter } from '@wmsi/app-router';
import type { TRPCClient } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { createTRPCContext, type TRPCOptionsProxy } from '@trpc/tanstack-react-query';
import type { QueryClient } from '@tanstack/react-query';
import type { FC, ReactNode } from 'react';

const context = createTRPCContext<AppRouter>();

// Spelled out: the inferred types would name files inside @trpc/server's build.
/** Gives the screens below it the API client and the query cache. */
export const TRPCProvider: FC<{ children: ReactNode; queryClient: QueryClient; trpcClient: TRPCClient<AppRouter> }> = context.TRPCProvider;
/** tRPC's TanStack Query integration: typed query, mutation and subscription options. */
export const useTRPC: () => TRPCOptionsProxy<AppRouter> = context.useTRPC;

export type Outputs = inferRouterOutputs<AppRouter>;
export type Inputs = inferRouterInputs<AppRouter>;
