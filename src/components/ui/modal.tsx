'use client';

import { CrossButton } from './icon-button';
import { useEffect, useId, useRef, type ReactNode } from 'react';

/**
 * A native modal <dialog>: focus moves into it (to the element marked `data-autofocus`, else
 * the first control) and stays there, Escape closes it, and focus returns to where it was.
 */
export function Modal({
  title,
  onClose,
  children,
  className,
  role,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  className?: string;
  role?: 'alertdialog';
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const returnTo = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    const onCancel = (event: Event) => {
      event.preventDefault();
      onCloseRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      if (returnTo?.isConnected) returnTo.focus();
    };
  }, []);

  return (
    <dialog ref={ref} className={`modal ${className ?? ''}`} aria-labelledby={titleId} role={role}>
      <div className="modal-head">
        <h2 id={titleId}>{title}</h2>
        <CrossButton label="Close" onClick={onClose} />
      </div>
      {children}
    </dialog>
  );
}
