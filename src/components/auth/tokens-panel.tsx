'use client';

import { useId, useState, type FormEvent } from 'react';
import type { Role } from '~/domain/roles';
import { api } from '~/trpc/react';
import { FormError, RoleField, TextField } from './form-fields';

/** API tokens: create one (its value shown here once), see their last use, revoke. */
export function TokensPanel() {
  const id = useId();
  const utils = api.useUtils();
  const tokens = api.tokens.list.useQuery();
  const create = api.tokens.create.useMutation({ onSuccess: () => utils.tokens.list.invalidate() });
  const revoke = api.tokens.delete.useMutation({ onSuccess: () => utils.tokens.list.invalidate() });
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    const days = String(form.get('days') ?? '').trim();
    setError(null);
    try {
      const name = String(form.get('name') ?? '');
      const answer = await create.mutateAsync({
        name,
        role: String(form.get('role')) as Role,
        ...(days && { expires_in_days: Number(days) }),
      });
      setCreated({ name, token: answer.token });
      element.reset();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>API tokens</h2>
      {created && (
        <div className="new-token" role="status">
          <p>
            Token <strong>{created.name}</strong>: copy it now, it is not shown again.
          </p>
          <code data-testid="new-token">{created.token}</code>
        </div>
      )}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Role</th>
              <th>Created</th>
              <th>Expires</th>
              <th>Last used</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.data?.tokens.map((token) => (
              <tr key={token.token_id}>
                <td>{token.name}</td>
                <td>{token.role}</td>
                <td>{token.created_at.slice(0, 10)}</td>
                <td>
                  {token.expired
                    ? 'expired'
                    : token.expires_at
                      ? token.expires_at.slice(0, 10)
                      : 'never'}
                </td>
                <td>
                  {token.last_used_at ? token.last_used_at.slice(0, 16).replace('T', ' ') : 'never'}
                </td>
                <td>
                  <button
                    type="button"
                    className="danger-text small"
                    disabled={revoke.isPending}
                    onClick={() => revoke.mutate({ token_id: token.token_id })}
                  >
                    Revoke <span className="sr-only">{token.name}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>Create a token</h3>
      <FormError error={error} />
      <form className="inline-form" onSubmit={onSubmit} aria-busy={create.isPending}>
        <TextField id={id} name="name" label="Token name" required />
        <RoleField id={id} label="Token role" />
        <TextField id={id} name="days" label="Expires after (days, empty: never)" type="number" />
        <button type="submit" className="primary" disabled={create.isPending}>
          Create token
        </button>
      </form>
    </section>
  );
}
