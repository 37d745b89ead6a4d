'use client';

import dynamic from 'next/dynamic';
import { Modal } from '~/components/ui/modal';
import type { Job } from '~/trpc/shapes';

// The form brings zod: loaded when first opened, not with the page.
const BackfillForm = dynamic(() => import('./backfill-form').then((m) => m.BackfillForm), {
  ssr: false,
  loading: () => (
    <p className="muted" role="status">
      Loading the form…
    </p>
  ),
});

/** Queue a backfill of a date range for one job, in a modal dialog. */
export function BackfillDialog({ job, onClose }: { job: Job; onClose: () => void }) {
  return (
    <Modal title="Backfill" onClose={onClose} className="modal-small">
      <BackfillForm job={job} onDone={onClose} />
    </Modal>
  );
}
