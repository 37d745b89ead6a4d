/** A "×" button that removes or closes something, named for screen readers by `label`. */
export function CrossButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <button type="button" className="icon-button" aria-label={label} onClick={onClick}>
      ×
    </button>
  );
}
