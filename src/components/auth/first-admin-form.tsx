'use client';

import { useId, useState, type FormEvent } from 'react';
import { FormError, TextField } from './form-fields';
import { postJson } from './post-json';

const MIN_PASSWORD = 12;

/**
 * Local mode's way out: the visitor on this machine creates the first admin and is signed in
 * as it. From then on every visitor, this machine's too, signs in.
 */
export function FirstAdminForm() {
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get('password') ?? '');
    if (password.length < MIN_PASSWORD)
      return setError(`The password must be at least ${MIN_PASSWORD} characters`);
    if (password !== String(form.get('confirm') ?? '')) return setError('The two passwords differ');
    setPending(true);
    setError(null);
    const answer = await postJson('/auth/setup', {
      name: String(form.get('name') ?? ''),
      email: String(form.get('email') ?? ''),
      password,
    }).catch(() => ({ status: 0, body: { message: 'The server did not answer' } }));
    setPending(false);
    if (answer.status === 201) {
      window.location.assign('/');
      return;
    }
    setError(answer.body.message ?? `Setup failed (${answer.status})`);
  };

  const field = (name: string, label: string, type: string, autoComplete: string) => (
    <TextField id={id} name={name} label={label} type={type} autoComplete={autoComplete} required />
  );

  return (
    <form className="card auth-card" onSubmit={onSubmit} aria-busy={pending}>
      <h1>Create the first admin</h1>
      <p className="muted">
        No account exists yet, so the service answers this machine only. Once an admin exists,
        everyone signs in (or sends an API token), and the service may be opened to the network.
      </p>
      <FormError error={error} />
      {field('name', 'Name', 'text', 'name')}
      {field('email', 'E-mail', 'email', 'username')}
      {field(
        'password',
        `Password (at least ${MIN_PASSWORD} characters)`,
        'password',
        'new-password',
      )}
      {field('confirm', 'Password again', 'password', 'new-password')}
      <button type="submit" className="primary" disabled={pending}>
        {pending ? 'Creating…' : 'Create admin and sign in'}
      </button>
    </form>
  );
}
