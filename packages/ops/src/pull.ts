import { v1, type PubSub } from '@google-cloud/pubsub';
import type { google } from '@google-cloud/pubsub/build/protos/protos.js';

export type Received = google.pubsub.v1.IReceivedMessage & { ackId: string; message: google.pubsub.v1.IPubsubMessage };

/**
 * Synchronous pull for tools that look at a subscription's messages without consuming them:
 * messages are leased while held, then acked (consumed) or released (`release`: ack deadline 0,
 * so Pub/Sub delivers them again at once). Leases are kept alive while the caller works.
 */
export class Puller {
  private readonly client: v1.SubscriberClient;
  private readonly path: string;
  private readonly held = new Map<string, Received>();
  private keeper: NodeJS.Timeout | undefined;

  constructor(pubsub: PubSub, projectId: string, subscription: string, private readonly leaseSeconds = 60) {
    // The PubSub object has resolved the endpoint (and plaintext credentials for the emulator).
    const { port, ...rest } = pubsub.options;
    this.client = new v1.SubscriberClient({ ...rest, ...(port !== undefined ? { port: Number(port) } : {}) });
    this.path = `projects/${projectId}/subscriptions/${subscription}`;
  }

  /** Leases up to `max` messages: pulls until a pull comes back empty. */
  async pullAll(max: number): Promise<Received[]> {
    const got: Received[] = [];
    while (got.length < max) {
      const [resp] = await this.client.pull({ subscription: this.path, maxMessages: Math.min(1000, max - got.length), returnImmediately: true }, { timeout: 10_000 });
      const batch = (resp.receivedMessages ?? []).filter((r): r is Received => !!r.ackId && !!r.message);
      if (batch.length === 0) break;
      for (const r of batch) {
        if (this.held.has(r.ackId)) continue;
        this.held.set(r.ackId, r);
        got.push(r);
      }
      await this.extend(batch.map((r) => r.ackId));
    }
    this.keeper ??= setInterval(() => void this.extend([...this.held.keys()]).catch(() => undefined), (this.leaseSeconds * 1000) / 3);
    this.keeper.unref();
    return got;
  }

  private async extend(ackIds: string[]): Promise<void> {
    for (let i = 0; i < ackIds.length; i += 1000) {
      await this.client.modifyAckDeadline({ subscription: this.path, ackIds: ackIds.slice(i, i + 1000), ackDeadlineSeconds: this.leaseSeconds });
    }
  }

  async ack(ackIds: string[]): Promise<void> {
    for (let i = 0; i < ackIds.length; i += 1000) {
      await this.client.acknowledge({ subscription: this.path, ackIds: ackIds.slice(i, i + 1000) });
    }
    for (const id of ackIds) this.held.delete(id);
  }

  /** Hands back everything still held, for immediate redelivery: nothing is lost. */
  async releaseAll(): Promise<void> {
    clearInterval(this.keeper);
    const ids = [...this.held.keys()];
    for (let i = 0; i < ids.length; i += 1000) {
      await this.client.modifyAckDeadline({ subscription: this.path, ackIds: ids.slice(i, i + 1000), ackDeadlineSeconds: 0 });
    }
    this.held.clear();
  }

  async close(): Promise<void> {
    try {
      await this.releaseAll();
    } finally {
      await this.client.close();
    }
  }
}
