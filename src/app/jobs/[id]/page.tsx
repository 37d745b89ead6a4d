import type { Metadata } from 'next';
import { JobDetail } from '~/components/job/job-detail';

export const metadata: Metadata = { title: 'Job · Stock Scheduler' };

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <JobDetail jobId={id} />;
}
