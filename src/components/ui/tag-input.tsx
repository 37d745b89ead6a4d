'use client';

import { useRef, type ClipboardEvent, type KeyboardEvent } from 'react';
import { splitSymbols } from './format';

/**
 * Symbols as tags. Typing a comma, space or semicolon, pressing Enter, leaving the field or
 * pasting a list ("AAPL, msft GOOGL") turns the text into upper-case tags.
 */
export function TagInput({
  id,
  tags,
  text,
  invalid,
  hasError,
  describedBy,
  onChange,
}: {
  id: string;
  tags: readonly string[];
  text: string;
  /** Messages for tags at these indexes. */
  invalid: Record<number, string>;
  /** The list as a whole is invalid (e.g. empty). */
  hasError: boolean;
  describedBy?: string;
  onChange: (tags: string[], text: string) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const add = (more: readonly string[], rest: string) =>
    onChange([...new Set([...tags, ...more])], rest);

  const onText = (value: string) => {
    // Everything up to the last separator is complete; the rest is still being typed.
    const typed = /^([\s\S]*[\s,;])([^\s,;]*)$/.exec(value);
    if (typed) add(splitSymbols(typed[1]!), typed[2]!);
    else onChange([...tags], value);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' && text.trim()) {
      event.preventDefault();
      add(splitSymbols(text), '');
    } else if (event.key === 'Backspace' && text === '' && tags.length > 0) {
      event.preventDefault();
      onChange(tags.slice(0, -1), '');
    }
  };

  const onPaste = (event: ClipboardEvent<HTMLInputElement>) => {
    const pasted = event.clipboardData.getData('text');
    if (!/[\s,;]/.test(pasted)) return;
    event.preventDefault();
    add(splitSymbols(`${text} ${pasted}`), '');
  };

  return (
    <div className="tag-input" onClick={() => input.current?.focus()}>
      {tags.length > 0 && (
        <ul className="tags" aria-label="Symbols added">
          {tags.map((tag, i) => (
            <li
              key={tag}
              className={invalid[i] ? 'tag tag-invalid' : 'tag'}
              title={invalid[i]}
              data-invalid={invalid[i] ? 'true' : undefined}
            >
              <span>{tag}</span>
              <button
                type="button"
                className="tag-remove"
                aria-label={`Remove ${tag}`}
                onClick={(e) => {
                  e.stopPropagation();
                  onChange(
                    tags.filter((t) => t !== tag),
                    text,
                  );
                  input.current?.focus();
                }}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <input
        ref={input}
        id={id}
        type="text"
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        placeholder={tags.length ? 'Add more…' : 'AAPL, MSFT, GOOGL'}
        value={text}
        aria-invalid={hasError || undefined}
        aria-describedby={describedBy}
        onChange={(e) => onText(e.target.value)}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
        onBlur={() => text.trim() && add(splitSymbols(text), '')}
      />
    </div>
  );
}
