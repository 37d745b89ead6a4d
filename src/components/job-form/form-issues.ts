/**
 * Validation issues (`{ path: "stock_ids.0", message }`, from zod in the browser or from the
 * server's `error.data.issues`) sorted into the form field each belongs to.
 */

export type FieldKey =
  | 'name'
  | 'stock_ids'
  | 'schedule'
  | 'times'
  | 'days'
  | 'expression'
  | 'calendar'
  | 'timezone'
  | 'lookback_days'
  | 'is_active'
  | 'form';

export interface Issue {
  path: string;
  message: string;
}

export interface FormErrors {
  fields: Partial<Record<FieldKey, string[]>>;
  /** Messages about one symbol, by its index in the list. */
  symbols: Record<number, string>;
  /** Messages about one time of day, by its index. */
  times: Record<number, string>;
}

export const NO_ERRORS: FormErrors = { fields: {}, symbols: {}, times: {} };

/** The field a dotted path belongs to. */
export function fieldOf(path: string): FieldKey {
  const [head, sub] = path.split('.');
  switch (head) {
    case 'name':
    case 'stock_ids':
    case 'timezone':
    case 'lookback_days':
    case 'is_active':
      return head;
    case 'schedule_time':
      return 'schedule';
    case 'schedule':
      if (sub === 'times') return 'times';
      if (sub === 'days') return 'days';
      if (sub === 'expression') return 'expression';
      if (sub === 'calendar') return 'calendar';
      return 'schedule';
    default:
      return 'form';
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function groupIssues(issues: readonly Issue[]): FormErrors {
  const out: FormErrors = { fields: {}, symbols: {}, times: {} };
  for (const { path, message } of issues) {
    const field = fieldOf(path);
    const parts = path.split('.');
    const index = Number(field === 'stock_ids' ? parts[1] : field === 'times' ? parts[2] : NaN);
    let text = capitalise(message);
    if (Number.isInteger(index)) {
      if (field === 'stock_ids') out.symbols[index] = text;
      else out.times[index] = text = `Time ${index + 1}: ${message}`;
    }
    const list = (out.fields[field] ??= []);
    if (!list.includes(text)) list.push(text);
  }
  return out;
}

/** zod's issues as the server reports them: the path joined with dots. */
export function issuesOf(error: {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}): Issue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

export function hasErrors(errors: FormErrors): boolean {
  return Object.values(errors.fields).some((list) => list && list.length > 0);
}
