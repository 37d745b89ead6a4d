import type { Metadata } from 'next';
import { SymbolPage } from '~/components/data/symbol-page';

export const metadata: Metadata = { title: 'Symbol · Stock Scheduler' };

export default async function DataSymbolPage({ params }: { params: Promise<{ symbol: string }> }) {
  const { symbol } = await params;
  return <SymbolPage symbol={decodeURIComponent(symbol).toUpperCase()} />;
}
