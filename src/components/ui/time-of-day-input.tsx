import type { InputHTMLAttributes } from 'react';

/**
 * A 24-hour "HH:MM" field. Text, not type="time": that one shows "05:00 PM" in a US browser,
 * while every time on the page is 24-hour. The schema checks the value as for any other field.
 */
export function TimeOfDayInput(props: Omit<InputHTMLAttributes<HTMLInputElement>, 'type'>) {
  return (
    <input
      type="text"
      className="time-input mono"
      inputMode="numeric"
      autoComplete="off"
      pattern="([01][0-9]|2[0-3]):[0-5][0-9]"
      placeholder="HH:MM"
      maxLength={5}
      {...props}
    />
  );
}
