/** Which cron expressions a schedule accepts, and how their day fields combine. */
import { Cron } from 'croner';

/**
 * Vixie cron ORs day-of-month and day-of-week when both are restricted, and ANDs them when
 * either field starts with `*` (so `*\/2` counts as unrestricted). Croner ORs unless a field is
 * exactly `*`, so ask it for AND whenever a field starts with `*` or `?`.
 */
export function vixieDomAndDow(expression: string): boolean {
  const fields = expression.trim().split(/\s+/);
  const [dom, dow] = fields.length === 6 ? [fields[3], fields[5]] : [fields[2], fields[4]];
  const star = (field: string | undefined) => field?.startsWith('*') || field?.startsWith('?');
  return Boolean(star(dom) || star(dow));
}

/**
 * A 5-field cron expression, or 6 with seconds first; croner decides what parses. One that
 * parses but matches no date at all (`0 0 30 2 *`, February 30th) would be stored as active
 * with next_run null for ever, so it is refused too.
 */
export function cronError(expression: string): string | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    return `must have 5 fields (minute hour day month weekday) or 6 with seconds first, got ${fields.length}`;
  }
  let cron: Cron;
  try {
    cron = new Cron(expression.trim(), {
      paused: true,
      utcOffset: 0,
      domAndDow: vixieDomAndDow(expression),
    });
  } catch (error) {
    return `is not a valid cron expression: ${(error as Error).message}`;
  }
  if (!cron.nextRun()) {
    return 'never fires: no date matches its day, month and weekday fields (such as February 30th)';
  }
  return null;
}
