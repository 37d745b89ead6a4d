/** "3 of 8 symbols" as a progress bar; without numbers yet, an indeterminate one. */
export function RunProgress({
  progress,
  label,
}: {
  progress: { done: number; total: number } | undefined;
  label: string;
}) {
  if (!progress || progress.total === 0) {
    return (
      <span className="run-progress">
        <progress aria-label={label} />
      </span>
    );
  }
  const { done, total } = progress;
  return (
    <span className="run-progress">
      <progress aria-label={label} max={total} value={done} />
      <span className="run-progress-text">
        {done} of {total}
      </span>
    </span>
  );
}
