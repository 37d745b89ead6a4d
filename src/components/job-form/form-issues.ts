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
  | 'jobs'
  | 'when'
  | 'wait'
  | 'task'
  | 'indicators'
  | 'price'
  | 'signals'
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
  /** Messages about one indicator of an analysis, by its index. */
  indicators: Record<number, string>;
  /** Messages about one signal of an analysis, by its index. */
  signals: Record<number, string>;
}

export const NO_ERRORS: FormErrors = {
  fields: {},
  symbols: {},
  times: {},
  indicators: {},
  signals: {},
};

/** The field a dotted path belongs to. */
export function fieldOf(path: string): FieldKey {
  const [head, sub] = path.split('.');
  switch (head) {
    case 'name':
    case 'stock_ids':
    case 'timezone':
    case 'lookback_days':
    case 'is_active':
    case 'task':
      return head;
    case 'analysis':
      if (sub === 'indicators' || sub === 'price' || sub === 'signals') return sub;
      return 'task';
    case 'schedule_time':
      return 'schedule';
    case 'schedule':
      if (sub === 'times') return 'times';
      if (sub === 'days') return 'days';
      if (sub === 'expression') return 'expression';
      if (sub === 'calendar') return 'calendar';
      if (sub === 'jobs' || sub === 'when' || sub === 'wait') return sub;
      return 'schedule';
    default:
      return 'form';
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The fields whose messages are also kept per item, and where the item's index sits. */
const PER_ITEM = {
  stock_ids: { at: 1, key: 'symbols', word: null },
  times: { at: 2, key: 'times', word: 'Time' },
  indicators: { at: 2, key: 'indicators', word: 'Indicator' },
  signals: { at: 2, key: 'signals', word: 'Signal' },
} as const satisfies Partial<
  Record<FieldKey, { at: number; key: keyof Omit<FormErrors, 'fields'>; word: string | null }>
>;

export function groupIssues(issues: readonly Issue[]): FormErrors {
  const out: FormErrors = { fields: {}, symbols: {}, times: {}, indicators: {}, signals: {} };
  for (const { path, message } of issues) {
    const field = fieldOf(path);
    const item = field in PER_ITEM ? PER_ITEM[field as keyof typeof PER_ITEM] : null;
    const index = item ? Number(path.split('.')[item.at]) : NaN;
    let text = capitalise(message);
    if (item && Number.isInteger(index)) {
      if (item.word) text = `${item.word} ${index + 1}: ${message}`;
      out[item.key][index] = item.word ? text : capitalise(message);
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
