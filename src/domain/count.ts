import { z } from 'zod';

/**
 * A whole number from min to max, also given as a query string (REST), with errors that name
 * the rule broken: the rule of every `limit` and `offset` of the lists.
 */
export const count = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });
