'use client';

import { useId, useState, type FormEvent } from 'react';
import type { Role } from '~/domain/roles';
import { api } from '~/trpc/react';
import { FormError, RoleField, TextField } from './form-fields';
import { useActor } from './use-actor';

/** The users of the service: add one with a role, delete one (never the last admin). */
export function UsersPanel() {
  const id = useId();
  const me = useActor();
  const utils = api.useUtils();
  const users = api.users.list.useQuery();
  const create = api.users.create.useMutation({ onSuccess: () => utils.users.list.invalidate() });
  const remove = api.users.delete.useMutation({ onSuccess: () => utils.users.list.invalidate() });
  const [error, setError] = useState<string | null>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    setError(null);
    try {
      await create.mutateAsync({
        email: String(form.get('email') ?? ''),
        name: String(form.get('name') ?? ''),
        role: String(form.get('role')) as Role,
        password: String(form.get('password') ?? ''),
      });
      element.reset();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Users</h2>
      {users.error && <p role="alert">{users.error.message}</p>}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>E-mail</th>
              <th>Role</th>
              <th>Created</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.data?.users.map((user) => (
              <tr key={user.user_id}>
                <td>{user.name}</td>
                <td>{user.email}</td>
                <td>{user.role}</td>
                <td>{user.created_at.slice(0, 10)}</td>
                <td>
                  {user.user_id !== me?.id && (
                    <button
                      type="button"
                      className="danger-text small"
                      disabled={remove.isPending}
                      onClick={() => {
                        setError(null);
                        remove.mutate(
                          { user_id: user.user_id },
                          { onError: (e) => setError(e.message) },
                        );
                      }}
                    >
                      Delete <span className="sr-only">{user.email}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>Add a user</h3>
      <FormError error={error} />
      <form className="inline-form" onSubmit={onSubmit} aria-busy={create.isPending}>
        <TextField id={id} name="email" label="E-mail" type="email" required />
        <TextField id={id} name="name" label="Name" />
        <RoleField id={id} label="Role" />
        <TextField
          id={id}
          name="password"
          label="Password (12 or more characters)"
          type="password"
          autoComplete="new-password"
          required
        />
        <button type="submit" className="primary" disabled={create.isPending}>
          Add user
        </button>
      </form>
    </section>
  );
}
