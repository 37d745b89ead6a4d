'use client';

import { api } from '~/trpc/react';

/** The audit log, newest first: who changed what, from where. */
export function AuditTable() {
  const audit = api.audit.list.useQuery({ limit: 200 });
  if (audit.error)
    return (
      <p className="placeholder error" role="alert">
        {audit.error.message}
      </p>
    );
  return (
    <section className="card">
      <h1>Audit log</h1>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Time (UTC)</th>
              <th>Who</th>
              <th>Action</th>
              <th>Target</th>
              <th>Address</th>
            </tr>
          </thead>
          <tbody>
            {audit.data?.entries.map((entry, i) => (
              <tr key={`${entry.at}-${i}`}>
                <td>{entry.at.slice(0, 19).replace('T', ' ')}</td>
                <td>
                  {entry.actor.kind === 'anonymous' ? '(nobody)' : entry.actor.name}{' '}
                  <span className="muted">{entry.actor.kind}</span>
                </td>
                <td>{entry.action}</td>
                <td>
                  <code>{entry.target}</code>
                </td>
                <td>{entry.ip}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
