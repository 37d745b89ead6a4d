/** The shapes the dashboard reads, derived from the router's outputs (never written twice). */
import type { RouterOutputs } from '~/trpc/react';

export type Dashboard = RouterOutputs['scheduler']['dashboard'];
export type Job = Dashboard['jobs'][number];
export type Run = RouterOutputs['jobs']['runs']['runs'][number];
export type StockRecord = RouterOutputs['data']['get'];
export type SeriesBars = RouterOutputs['data']['bars'];
