import type { Metadata } from 'next';
import { AuditTable } from '~/components/auth/audit-table';

export const metadata: Metadata = { title: 'Audit log · Stock Scheduler' };

export default function AuditPage() {
  return <AuditTable />;
}
