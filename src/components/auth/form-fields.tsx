import { ROLES } from '~/domain/roles';

/** A labelled input of the account forms; `id` is the form's useId() prefix. */
export function TextField(props: {
  id: string;
  name: string;
  label: string;
  type?: string;
  autoComplete?: string;
  required?: boolean;
}) {
  const inputId = `${props.id}-${props.name}`;
  return (
    <div className="field">
      <label htmlFor={inputId}>{props.label}</label>
      <input
        id={inputId}
        name={props.name}
        type={props.type ?? 'text'}
        autoComplete={props.autoComplete}
        required={props.required}
      />
    </div>
  );
}

export function RoleField({ id, label }: { id: string; label: string }) {
  return (
    <div className="field">
      <label htmlFor={`${id}-role`}>{label}</label>
      <select id={`${id}-role`} name="role" defaultValue="viewer">
        {ROLES.map((role) => (
          <option key={role}>{role}</option>
        ))}
      </select>
    </div>
  );
}

export function FormError({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p className="form-summary field-error" role="alert">
      {error}
    </p>
  );
}
