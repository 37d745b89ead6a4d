'use client';

import { SORTS, STATUS_FILTERS, type Filters, type Sort, type StatusFilter } from './job-filters';

/** Search by name or symbol, filter by status, choose the order. */
export function JobFilterBar({
  filters,
  onChange,
}: {
  filters: Filters;
  onChange: (next: Filters) => void;
}) {
  return (
    <div role="search" className="filter-bar" aria-label="Find jobs">
      <div className="field field-grow">
        <label htmlFor="job-search">Search</label>
        <input
          id="job-search"
          type="search"
          placeholder="Name or symbol"
          autoComplete="off"
          value={filters.q}
          onChange={(e) => onChange({ ...filters, q: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor="job-status-filter">Status</label>
        <select
          id="job-status-filter"
          value={filters.status}
          onChange={(e) => onChange({ ...filters, status: e.target.value as StatusFilter })}
        >
          {Object.entries(STATUS_FILTERS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="job-sort">Order</label>
        <select
          id="job-sort"
          value={filters.sort}
          onChange={(e) => onChange({ ...filters, sort: e.target.value as Sort })}
        >
          {Object.entries(SORTS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
