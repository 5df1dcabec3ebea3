import { describe, expect, test } from '@jest/globals';
import { explainUnavailable, type EmulatorAvailability } from './docker.js';

const thisMachineWithoutGcloud: EmulatorAvailability = {
  gcloud: false, dockerClient: true, dockerEngine: false, nodeVersion: '20.20.2', testcontainers: false,
};

describe('explainUnavailable', () => {
  test('says what was found and every way to get a Pub/Sub emulator', () => {
    const message = explainUnavailable('pubsub', thisMachineWithoutGcloud);
    expect(message).toContain('gcloud on PATH: no');
    expect(message).toContain('client only, the engine is not reachable');
    expect(message).toContain('@testcontainers/gcloud: not installed');
    expect(message).toContain('Node.js: 20.20.2 (testcontainers 12 requires Node >= 22.22.0)');
    expect(message).toContain('gcloud components install pubsub-emulator');
    expect(message).toContain('Java 17');
    expect(message).toContain('npm i -D @testcontainers/gcloud');
    expect(message).toContain('docker compose up pubsub');
    expect(message).toContain('PUBSUB_EMULATOR_HOST=localhost:8085');
  });

  test('names the Bigtable component and leaves out the Node warning on a new enough Node', () => {
    const message = explainUnavailable('bigtable', { gcloud: false, dockerClient: false, dockerEngine: undefined, nodeVersion: '22.22.0', testcontainers: false });
    expect(message).toContain('Docker: not installed');
    expect(message).toContain('gcloud components install bigtable');
    expect(message).toContain('docker compose up bigtable');
    expect(message).not.toContain('requires Node');
    expect(message).not.toContain('Java 17');
  });
});
