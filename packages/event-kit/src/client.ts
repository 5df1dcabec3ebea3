import { PubSub } from '@google-cloud/pubsub';

export interface PubSubClientConfig {
  /** Required: without it the client probes the metadata server and guesses. */
  readonly projectId: string;
  /** `host:port` of the emulator; when absent the client talks to Google with default credentials. */
  readonly emulatorHost?: string;
}

/** One client per process, shared by every publisher and subscriber of the bus. */
export function createPubSubClient(config: PubSubClientConfig): PubSub {
  if (config.emulatorHost) {
    // The client otherwise probes for a GCE metadata server to find a universe domain,
    // which on a laptop fails slowly and logs MetadataLookupWarning. The emulator needs none.
    process.env['METADATA_SERVER_DETECTION'] ??= 'none';
    return new PubSub({ projectId: config.projectId, apiEndpoint: config.emulatorHost, emulatorMode: true });
  }
  return new PubSub({ projectId: config.projectId });
}
