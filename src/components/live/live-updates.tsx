'use client';

import { useQueryClient } from '@tanstack/react-query';
import { usePathname } from 'next/navigation';
import {
  createContext,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { api } from '~/trpc/react';
import { CacheSync } from './cache-sync';

export type Connection = 'connecting' | 'live' | 'reconnecting';

interface LiveContext {
  connection: Connection;
  /** After a mutation: when events are not flowing, refetch instead of waiting for them. */
  afterMutation(): void;
}

const Context = createContext<LiveContext>({ connection: 'connecting', afterMutation: () => {} });

export function useLive(): LiveContext {
  return useContext(Context);
}

const RETRY_MS = 2000;

/**
 * The page's one subscription to `events.onChange`: every job and run change of every server
 * process, written into the query cache as it arrives. The SSE link resumes after a drop from
 * the last event id it saw (EventSource sends Last-Event-ID; tRPC hands it to the procedure as
 * `lastEventId`). If the subscription ends in an error instead, it is restarted from that id.
 * When it cannot resume, the server says so with a `sync` event and the page refetches.
 */
export function LiveUpdates({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const sync = useMemo(() => new CacheSync(client), [client]);
  useEffect(() => sync.start(), [sync]);

  const lastSeen = useRef<string | undefined>(undefined);
  const [resumeFrom, setResumeFrom] = useState<string | undefined>(undefined);
  const [everLive, setEverLive] = useState(false);
  // The sign-in page has no session yet: a subscription there would only be refused.
  const onLogin = usePathname() === '/login';

  const subscription = api.events.onChange.useSubscription(
    resumeFrom ? { lastEventId: resumeFrom } : undefined,
    {
      enabled: !onLogin,
      onStarted: () => {
        setEverLive(true);
      },
      onData: (tracked) => {
        lastSeen.current = tracked.id;
        // The server could not resume from an event id (a first start, or the events after it
        // are gone): it fixed its start point, then sent this. Whatever changed before that (since
        // the page's first fetch, or during a drop) is fetched; everything after comes as events.
        if (tracked.data.type === 'sync') sync.refreshAll(true);
        else sync.handle(tracked.data);
      },
    },
  );
  const { status, reset } = subscription;

  useEffect(() => {
    if (status !== 'error') return;
    const timer = setTimeout(() => {
      if (lastSeen.current !== resumeFrom) setResumeFrom(lastSeen.current);
      else reset();
    }, RETRY_MS);
    return () => clearTimeout(timer);
  }, [status, reset, resumeFrom]);

  const connection: Connection =
    status === 'pending' ? 'live' : everLive ? 'reconnecting' : 'connecting';
  const connectionRef = useRef(connection);
  useEffect(() => {
    connectionRef.current = connection;
  }, [connection]);

  const value = useMemo<LiveContext>(
    () => ({
      connection,
      afterMutation: () => {
        if (connectionRef.current !== 'live') sync.refreshAll();
      },
    }),
    [connection, sync],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}
