import type { Metadata } from 'next';
import { SymbolsPage } from '~/components/data/symbols-page';

export const metadata: Metadata = { title: 'Market data · Stock Scheduler' };

export default function DataPage() {
  return <SymbolsPage />;
}
