import { planTopology, readTopologyFile, type TopologyFile } from '@commerce/topology';
import { renderPubsubTf } from './pubsub-tf.js';

/** The generator follows whatever the topology says: a change there is a change in the Terraform. */
const base = (): TopologyFile => structuredClone(readTopologyFile());
type Resources = Record<string, Record<string, Record<string, unknown>>>;
const resources = (file: TopologyFile): Resources => renderPubsubTf(planTopology(file, 'cloud'))['resource'] as Resources;

describe('renderPubsubTf', () => {
  it('renders the cloud environment only: local-only subscriptions are left out', () => {
    const subs = Object.values(resources(base())['google_pubsub_subscription']!).map((s) => s['name']);
    expect(subs).not.toContain('order-scored.demo-monitor');
    expect(subs).toContain('order-scored.archiver');
    expect(() => renderPubsubTf(planTopology(base(), 'local'))).toThrow(/cloud environment/);
  });

  it('follows a changed retry policy, ordering and attempts', () => {
    const file = base();
    file.topics['order-placed']!.subscriptions['archiver'] = { retryPolicy: { minimumBackoff: '30s', maximumBackoff: '300s' }, maxDeliveryAttempts: 7 };
    const sub = resources(file)['google_pubsub_subscription']!['order_placed__archiver']!;
    expect(sub['retry_policy']).toEqual({ minimum_backoff: '30s', maximum_backoff: '300s' });
    expect(sub['dead_letter_policy']).toMatchObject({ max_delivery_attempts: 7 });
  });

  it('grants a new publisher that is one of our services, and leaves others to var.external_publishers', () => {
    const file = base();
    file.topics['fraud-alert']!.publishers = ['fraud-scorer', 'image-enhancer', 'risk-engine'];
    const iam = resources(file)['google_pubsub_topic_iam_member']!;
    expect(iam['fraud_alert__publisher__image_enhancer']).toMatchObject({ role: 'roles/pubsub.publisher', member: 'serviceAccount:${google_service_account.service["image-enhancer"].email}' });
    expect(iam['fraud_alert__publisher__external']!['for_each']).toContain('["risk-engine"]');
  });

  it('refuses a consumer that has no service account in production, naming what to do', () => {
    const file = base();
    file.topics['order-scored']!.subscriptions['bigquery-export'] = {};
    expect(() => resources(file)).toThrow(/order-scored\.bigquery-export: consumer "bigquery-export" has no service account.*CONSUMER_ACCOUNT/);
  });
});
