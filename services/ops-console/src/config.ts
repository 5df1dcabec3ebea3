import { Type, type Static } from '@sinclair/typebox';
import { serviceConfig } from '@commerce/service-kit';

export const AuthModes = { Token: 'token', Iap: 'iap' } as const;

export const OpsConsoleConfig = serviceConfig({
  BLOB_STORE_URL: Type.String({ minLength: 1, default: '.data/blobs', description: 'Where the archive, replays and audit live (the archiver\'s store).' }),
  ARCHIVE_PREFIX: Type.String({ default: 'archive', description: 'Key prefix of the archive in the blob store.' }),
  MEDIA_BLOB_STORE_URL: Type.Optional(Type.String({ minLength: 1, description: 'Store holding enhanced images and lookbooks (default: BLOB_STORE_URL).' })),
  CONSOLE_AUTH: Type.Union([Type.Literal(AuthModes.Token), Type.Literal(AuthModes.Iap)], {
    default: AuthModes.Token,
    description: "'token': a bearer token (OPS_CONSOLE_TOKEN); 'iap': behind Identity-Aware Proxy, identity from its headers.",
  }),
  OPS_CONSOLE_TOKEN: Type.Optional(Type.String({ minLength: 16, description: 'Bearer token for CONSOLE_AUTH=token (at least 16 characters).' })),
  IAP_AUDIENCE: Type.Optional(Type.String({ minLength: 1, description: "CONSOLE_AUTH=iap: the signed assertion's audience, /projects/<number>/global/backendServices/<id>." })),
  IAP_KEYS_URL: Type.String({ default: 'https://www.gstatic.com/iap/verify/public_key-jwk', description: 'CONSOLE_AUTH=iap: the JWK set that signs IAP assertions.' }),
  CONSOLE_OPERATORS: Type.String({
    default: '',
    description: 'Identities allowed to redrive and replay (comma-separated emails in iap mode); empty: everyone who can sign in.',
  }),
  SERVICE_URLS: Type.String({
    default: '',
    description: 'Services to show health and metrics for: name=http://host:port, comma-separated.',
  }),
  LIVE_ALERTS_SUBSCRIPTION: Type.String({
    default: 'fraud-alert.ops-console',
    description: "Subscription the console reads fraud alerts from as they happen ('' to show only archived ones).",
  }),
  RECENT_EVENTS_MAX: Type.Integer({ minimum: 1, maximum: 1000, default: 50, description: 'Events shown per topic.' }),
});
export type OpsConsoleConfig = Static<typeof OpsConsoleConfig>;

/** `fraud-scorer=http://127.0.0.1:8081,...` */
export function parseServiceUrls(setting: string): Array<{ name: string; url: string }> {
  return setting
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const i = s.indexOf('=');
      if (i <= 0) throw new Error(`SERVICE_URLS entry ${JSON.stringify(s)} is not name=url`);
      return { name: s.slice(0, i), url: s.slice(i + 1).replace(/\/$/, '') };
    });
}
