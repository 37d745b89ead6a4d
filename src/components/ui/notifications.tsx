'use client';

import { CrossButton } from './icon-button';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';

type Kind = 'info' | 'error';
interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
}
interface Note {
  id: number;
  kind: Kind;
  text: string;
  /** Where the control that led to it was, so the message does not cover it. */
  anchor: Box | null;
}

const Context = createContext<(text: string, kind?: Kind) => void>(() => {});

/** `notify("Run queued for Daily FAANG")`: a short message in a live region, gone after 6 s. */
export function useNotify() {
  return useContext(Context);
}

const SHOW_MS = 6000;
const MARGIN = 16;
/** `.notifications-top`'s top: 3.75rem, below the header. */
const TOP = 60;
let nextId = 1;

function boxOf(element: Element): Box {
  const { top, bottom, left, right } = element.getBoundingClientRect();
  return { top, bottom, left, right };
}

function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/**
 * Where the stack of messages goes: the bottom right corner, unless there it would cover the
 * control a message came from (a row's "Run now" near the bottom of the window) and below the
 * header it would not. Mirrors the CSS of `.notifications-top` and `-bottom`.
 */
function placementFor(stack: { width: number; height: number }, anchors: Box[]) {
  const right = window.innerWidth - MARGIN;
  const left = right - stack.width;
  const bottom = window.innerHeight - MARGIN;
  const atBottom = { top: bottom - stack.height, bottom, left, right };
  const atTop = { top: TOP, bottom: TOP + stack.height, left, right };
  const covers = (box: Box) => anchors.some((a) => overlaps(a, box));
  return covers(atBottom) && !covers(atTop) ? 'top' : 'bottom';
}

export function Notifications({ children }: { children: ReactNode }) {
  const [notes, setNotes] = useState<Note[]>([]);
  const [placement, setPlacement] = useState<'top' | 'bottom'>('bottom');
  const stack = useRef<HTMLDivElement>(null);
  // The control last pressed: a message usually follows a click (the mutation settles later,
  // when the button may be disabled or re-rendered, so its place is read at notify time).
  const lastPressed = useRef<{ element: Element; box: Box } | null>(null);
  useEffect(() => {
    const onPress = (event: Event) => {
      const control = (event.target as Element | null)?.closest?.('button, a, input, select');
      // A control in a group (a row's actions) stands for the group: covering its neighbours
      // hides the Start that replaced a Stop, or the Delete next to it.
      const anchor = control?.closest('[data-notify-anchor]') ?? control;
      if (anchor) lastPressed.current = { element: anchor, box: boxOf(anchor) };
    };
    document.addEventListener('click', onPress, true);
    return () => document.removeEventListener('click', onPress, true);
  }, []);

  const dismiss = useCallback((id: number) => setNotes((n) => n.filter((x) => x.id !== id)), []);
  const notify = useCallback(
    (text: string, kind: Kind = 'info') => {
      const id = nextId++;
      const pressed = lastPressed.current;
      const anchor = pressed
        ? pressed.element.isConnected
          ? boxOf(pressed.element)
          : pressed.box
        : null;
      setNotes((n) => [...n.slice(-3), { id, kind, text, anchor }]);
      setTimeout(() => dismiss(id), kind === 'error' ? SHOW_MS * 2 : SHOW_MS);
    },
    [dismiss],
  );

  // Measured before paint, so a message never shows for a frame over its button.
  useLayoutEffect(() => {
    const element = stack.current;
    if (!element || notes.length === 0) return;
    const { width, height } = element.getBoundingClientRect();
    const anchors = notes.flatMap((n) => (n.anchor ? [n.anchor] : []));
    setPlacement(placementFor({ width, height }, anchors));
  }, [notes]);

  const value = useMemo(() => notify, [notify]);
  return (
    <Context.Provider value={value}>
      {children}
      <div
        ref={stack}
        className={`notifications notifications-${placement}`}
        role="status"
        aria-live="polite"
      >
        {notes.map((note) => (
          <div key={note.id} className={`note note-${note.kind}`}>
            <span>{note.text}</span>
            <CrossButton label="Dismiss message" onClick={() => dismiss(note.id)} />
          </div>
        ))}
      </div>
    </Context.Provider>
  );
}
