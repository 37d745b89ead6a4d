import type { Metadata, Viewport } from 'next';
import Link from 'next/link';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { AccountMenu } from '~/components/auth/account-menu';
import { MainNav } from '~/components/auth/main-nav';
import '~/components/auth/auth.css';
import { ConnectionStatus } from '~/components/live/connection-status';
import { LiveUpdates } from '~/components/live/live-updates';
import { Notifications } from '~/components/ui/notifications';
import { TRPCReactProvider } from '~/trpc/react';
// The dashboard's styles, one file a part, in cascade order (later parts override earlier ones).
import './styles/1-base.css';
import './styles/2-controls-overview.css';
import './styles/3-tables-badges-dialogs.css';
import './styles/4-form.css';
import './styles/5-detail-notifications.css';
import './styles/6-small-screens.css';
import './styles/7-market-data.css';

export const metadata: Metadata = {
  title: 'Stock Scheduler',
  description: 'Jobs that keep market data fresh in Redis',
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#f7f8fa' },
    { media: '(prefers-color-scheme: dark)', color: '#0f1115' },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Rendered per request: each page carries the fresh CSP nonce the server put in the request
  // headers (a prerendered page would hold scripts without it, and the policy would block them).
  await connection();
  return (
    <html lang="en">
      <body>
        <TRPCReactProvider>
          <LiveUpdates>
            <Notifications>
              <a className="skip-link" href="#content">
                Skip to content
              </a>
              <header className="site-header">
                <Link href="/" className="brand">
                  Stock Scheduler
                </Link>
                <MainNav />
                <AccountMenu />
                <ConnectionStatus />
              </header>
              <main id="content">{children}</main>
            </Notifications>
          </LiveUpdates>
        </TRPCReactProvider>
      </body>
    </html>
  );
}
