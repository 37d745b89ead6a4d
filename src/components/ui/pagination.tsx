'use client';

/** "Showing 51–100 of 1,000" with previous and next page buttons. */
export function Pagination({
  page,
  pageSize,
  total,
  onPage,
}: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  return (
    <nav className="pagination" aria-label="Pages of jobs">
      <p className="muted" aria-live="polite">
        Showing {first.toLocaleString()}–{last.toLocaleString()} of {total.toLocaleString()}
      </p>
      {pages > 1 && (
        <div className="pagination-buttons">
          <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
            Previous<span className="sr-only"> page</span>
          </button>
          <span>
            Page {page} of {pages}
          </span>
          <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
            Next<span className="sr-only"> page</span>
          </button>
        </div>
      )}
    </nav>
  );
}
