/**
 * Requests a campaign: publishes one campaign-requested (validated against the contract first).
 *
 *   make campaign ID=c-winter-2026 THEME="winter layers" SEGMENT="topCategory in outerwear,knitwear; ordersLast90d gte 1" LIMIT=1000 LOCALE=sv-SE BUDGET="500 SEK"
 *
 * Segment rules are `<field> <op> <value>[,<value>...]` joined by `;` (all must hold); ops:
 * eq, neq, gte, lte, in, contains. The lookbooks appear under lookbooks/<id>/<shopper>/ in the
 * studio's blob store, and at http://<studio>/campaigns/<id> (status) and /lookbooks/<id>/<shopper>/.
 */
import { CampaignRequested, type CampaignRequestedEvent } from '@commerce/contracts';
import { PubSubEventBus, createPubSubClient } from '@commerce/event-kit';
import { Command } from 'commander';
import { readFileSync } from 'node:fs';

type Rule = NonNullable<CampaignRequestedEvent['audience']['segment']>[number];
const OPS = ['eq', 'neq', 'gte', 'lte', 'in', 'contains'] as const;

export function parseSegment(text: string): Rule[] {
  return text
    .split(';')
    .map((r) => r.trim())
    .filter(Boolean)
    .map((r) => {
      const m = /^(\S+)\s+(\S+)\s+(.+)$/.exec(r);
      const op = m?.[2] as Rule['op'] | undefined;
      if (!m || !op || !(OPS as readonly string[]).includes(op)) throw new Error(`segment rule "${r}": write <field> <${OPS.join('|')}> <value>[,<value>...]`);
      const values = m[3]!.split(',').map((v) => v.trim());
      return op === 'in' ? { field: m[1]!, op, value: '', values } : { field: m[1]!, op, value: values[0]! };
    });
}

async function main(): Promise<void> {
  const o = new Command()
    .requiredOption('--id <campaignId>', 'campaign id (lookbooks are idempotent per campaign and shopper)')
    .option('--name <name>', 'campaign name')
    .option('--theme <theme>', 'visual and editorial theme', 'new season')
    .option('--brief <brief>', "what the campaign is for, in the marketer's words", 'Personal picks for the new season.')
    .option('--segment <rules>', 'segment rules, e.g. "topCategory in shoes,bottoms; ordersLast90d gte 1"')
    .option('--shoppers-file <file>', 'explicit shopper ids, one per line')
    .option('--limit <n>', 'at most this many shoppers')
    .option('--locale <locale>', 'BCP 47 locale (en, sv have templates)', 'en-GB')
    .option('--formats <list>', 'image,video', 'image,video')
    .option('--channels <list>', 'email,push,in_app', 'email')
    .option('--budget <amount>', 'e.g. "500 SEK" (major units)', '0 EUR')
    .option('--requested-by <who>', 'who asks', process.env['USER'] ?? 'marketing')
    .option('--project <id>', 'Google Cloud project', process.env['GOOGLE_CLOUD_PROJECT'] ?? 'local')
    .option('--emulator-host <host:port>', 'Pub/Sub emulator', process.env['PUBSUB_EMULATOR_HOST'])
    .parse()
    .opts<{ id: string; name?: string; theme: string; brief: string; segment?: string; shoppersFile?: string; limit?: string; locale: string; formats: string; channels: string; budget: string; requestedBy: string; project: string; emulatorHost?: string }>();
  const [amount, currency] = o.budget.trim().split(/\s+/);
  const audience: CampaignRequestedEvent['audience'] = {
    ...(o.segment ? { segment: parseSegment(o.segment) } : {}),
    ...(o.shoppersFile ? { shopperIds: readFileSync(o.shoppersFile, 'utf8').split('\n').map((s) => s.trim()).filter(Boolean) } : {}),
    ...(o.limit ? { limit: Number(o.limit) } : {}),
  };
  const event: CampaignRequestedEvent = {
    campaignId: o.id,
    name: o.name ?? o.id,
    brief: o.brief,
    theme: o.theme,
    audience,
    channels: o.channels.split(',') as CampaignRequestedEvent['channels'],
    formats: o.formats.split(',') as CampaignRequestedEvent['formats'],
    locale: o.locale,
    budget: { value: Math.round(Number(amount) * 100), currency: currency ?? 'EUR' },
    requestedBy: o.requestedBy,
    requestedAt: new Date().toISOString(),
  };
  const bus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId: o.project, ...(o.emulatorHost ? { emulatorHost: o.emulatorHost } : {}) }), source: 'marketing-console' });
  const receipt = await bus.publish(CampaignRequested, event);
  await bus.close();
  console.log(`campaign-requested ${event.campaignId} published (event ${receipt.eventId}); status: GET /campaigns/${encodeURIComponent(event.campaignId)} on the creative studio`);
}

main().catch((err: unknown) => {
  console.error(`request-campaign: ${(err as Error).message}`);
  process.exit(1);
});
