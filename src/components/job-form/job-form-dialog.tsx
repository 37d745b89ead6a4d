'use client';

import dynamic from 'next/dynamic';
import { Modal } from '~/components/ui/modal';
import type { Job } from '~/trpc/shapes';

// The form brings zod and the schedule preview: loaded when first opened, not with the page.
const JobForm = dynamic(() => import('./job-form').then((m) => m.JobForm), {
  ssr: false,
  loading: () => (
    <p className="muted" role="status">
      Loading the form…
    </p>
  ),
});

/** Create a job (no `job`) or edit one, in a modal dialog. */
export function JobFormDialog({
  job,
  onClose,
  onSaved,
}: {
  job?: Job;
  onClose: () => void;
  onSaved?: (jobId: string) => void;
}) {
  return (
    <Modal title={job ? 'Edit job' : 'New job'} onClose={onClose} className="modal-wide">
      <JobForm
        job={job}
        onCancel={onClose}
        onSaved={(id) => {
          onSaved?.(id);
          onClose();
        }}
      />
    </Modal>
  );
}

/** Starts loading the form's code ahead of a click (on hover or focus of its button). */
export function preloadJobForm() {
  void import('./job-form');
}
