import type { Metadata } from 'next';
import { FirstAdminForm } from '~/components/auth/first-admin-form';

export const metadata: Metadata = { title: 'First admin · Stock Scheduler' };

export default function SetupPage() {
  return <FirstAdminForm />;
}
