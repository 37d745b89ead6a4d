/** A field's error messages, referenced by the field's aria-describedby through `id`. */
export function FieldError({
  id,
  messages,
}: {
  id: string;
  messages: readonly string[] | undefined;
}) {
  if (!messages || messages.length === 0) return null;
  return (
    <div id={id} className="field-error">
      {messages.map((m) => (
        <p key={m}>{m}</p>
      ))}
    </div>
  );
}

/** The ids an input's aria-describedby should list: its hint, and its error when shown. */
export function describedBy(hintId: string | null, errorId: string, hasError: boolean) {
  return [hintId, hasError ? errorId : null].filter(Boolean).join(' ') || undefined;
}
