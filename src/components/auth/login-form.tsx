'use client';

import { useId, useState, type FormEvent } from 'react';
import { FormError, TextField } from './form-fields';
import { postJson, safeNext } from './post-json';

/** E-mail and password; on success the page it came from is loaded again, signed in. */
export function LoginForm({ next }: { next?: string }) {
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const answer = await postJson('/auth/login', {
      email: String(form.get('email') ?? ''),
      password: String(form.get('password') ?? ''),
    }).catch(() => ({ status: 0, body: { message: 'The server did not answer' } }));
    setPending(false);
    if (answer.status === 200) {
      window.location.assign(safeNext(next));
      return;
    }
    setError(answer.body.message ?? `Sign-in failed (${answer.status})`);
  };

  return (
    <form className="card auth-card" onSubmit={onSubmit} aria-busy={pending}>
      <h1>Sign in</h1>
      <FormError error={error} />
      <TextField
        id={id}
        name="email"
        label="E-mail"
        type="email"
        autoComplete="username"
        required
      />
      <TextField
        id={id}
        name="password"
        label="Password"
        type="password"
        autoComplete="current-password"
        required
      />
      <button type="submit" className="primary" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
