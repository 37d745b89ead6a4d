import type { Metadata } from 'next';
import { TokensPanel } from '~/components/auth/tokens-panel';
import { UsersPanel } from '~/components/auth/users-panel';

export const metadata: Metadata = { title: 'Users and tokens · Stock Scheduler' };

export default function UsersPage() {
  return (
    <div className="settings-page">
      <h1>Users and tokens</h1>
      <UsersPanel />
      <TokensPanel />
    </div>
  );
}
