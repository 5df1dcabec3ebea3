import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface ArchiverMetrics {
  readonly archived: Counter<'topic'>;
  readonly duplicates: Counter<'topic'>;
  readonly segments: Counter<'topic'>;
  readonly flushFailures: Counter<'topic'>;
  readonly flushSeconds: Histogram<'topic'>;
  readonly buffered: Gauge<'subscription'>;
}

export function archiverMetrics(registry: Registry): ArchiverMetrics {
  const registers = [registry];
  return {
    archived: new Counter({ name: 'archiver_messages_archived_total', help: 'Messages written to the archive (after de-duplication).', labelNames: ['topic'], registers }),
    duplicates: new Counter({ name: 'archiver_duplicates_skipped_total', help: 'Messages already archived (same message id), acked without writing.', labelNames: ['topic'], registers }),
    segments: new Counter({ name: 'archiver_segments_written_total', help: 'Segment files written.', labelNames: ['topic'], registers }),
    flushFailures: new Counter({ name: 'archiver_flush_failures_total', help: 'Batches that could not be written; their messages were nacked.', labelNames: ['topic'], registers }),
    flushSeconds: new Histogram({
      name: 'archiver_flush_seconds',
      help: 'Time to write one batch durably (segments and manifests).',
      labelNames: ['topic'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    buffered: new Gauge({ name: 'archiver_buffered_messages', help: 'Messages received and not yet written.', labelNames: ['subscription'], registers }),
  };
}
