'use client';

import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

type Kind = 'info' | 'error';
interface Note {
  id: number;
  kind: Kind;
  text: string;
}

const Context = createContext<(text: string, kind?: Kind) => void>(() => {});

/** `notify("Run queued for Daily FAANG")`: a short message in a live region, gone after 6 s. */
export function useNotify() {
  return useContext(Context);
}

const SHOW_MS = 6000;
let nextId = 1;

export function Notifications({ children }: { children: ReactNode }) {
  const [notes, setNotes] = useState<Note[]>([]);
  const dismiss = useCallback((id: number) => setNotes((n) => n.filter((x) => x.id !== id)), []);
  const notify = useCallback(
    (text: string, kind: Kind = 'info') => {
      const id = nextId++;
      setNotes((n) => [...n.slice(-3), { id, kind, text }]);
      setTimeout(() => dismiss(id), kind === 'error' ? SHOW_MS * 2 : SHOW_MS);
    },
    [dismiss],
  );
  const value = useMemo(() => notify, [notify]);
  return (
    <Context.Provider value={value}>
      {children}
      <div className="notifications" role="status" aria-live="polite">
        {notes.map((note) => (
          <div key={note.id} className={`note note-${note.kind}`}>
            <span>{note.text}</span>
            <button
              type="button"
              className="icon-button"
              aria-label="Dismiss message"
              onClick={() => dismiss(note.id)}
            >
              ×
            </button>
          </div>
        ))}
      </div>
    </Context.Provider>
  );
}
