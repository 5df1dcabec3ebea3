import cliProgress from 'cli-progress';
import { Command, CommanderError, Option } from 'commander';
import { createSnapshot, deleteSnapshot, listSnapshots, listSubscriptions, listTopics, seek } from './admin.js';
import { createContext, type ContextSettings, type OpsContext } from './context.js';
import { inspectDeadLetters, redriveDeadLetters } from './dlq.js';
import { OpsError } from './errors.js';
import { parseFilter, parseTime, type AttributeFilter } from './filters.js';
import { duration, table, truncate } from './format-output.js';
import { createReplay, listReplays, loadReplay, planReplay, runReplay, ReplayStatuses, type ReplayParams } from './replay.js';
import { trace } from './trace.js';

export const BIN = 'commerce-ops';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Draw a progress bar on stderr (a terminal); otherwise progress is a line every few seconds. */
  readonly progress?: boolean;
  /** Aborted on Ctrl-C: a running replay checkpoints and stops. */
  readonly signal?: AbortSignal;
  /** For tests: build the context differently (e.g. a given blob store). */
  readonly context?: (s: ContextSettings) => Promise<OpsContext>;
}

interface GlobalOpts extends ContextSettings {
  json?: boolean;
}

const collect = (v: string, prev: AttributeFilter[]): AttributeFilter[] => [...prev, parseFilter(v)];
const positiveInt = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new OpsError(`${name} must be a whole number >= 0, got ${JSON.stringify(v)}`);
  return n;
};
const rate = (v: string): number => {
  const n = Number(v);
  if (!(n >= 0)) throw new OpsError(`--rate must be messages per second >= 0 (0: no limit), got ${JSON.stringify(v)}`);
  return n;
};

/** The command line as a commander program; `run` parses and executes, returning the exit code. */
export function buildProgram(io: CliIo, status: { code: number } = { code: 0 }): Command {
  const program = new Command(BIN)
    .description('Ops for the commerce platform on Pub/Sub: topics, seek, snapshots, dead letters, replay from the archive, trace.')
    .option('--project <id>', 'Google Cloud project (default: $GOOGLE_CLOUD_PROJECT or $PUBSUB_PROJECT_ID)')
    .option('--emulator-host <host:port>', 'Pub/Sub emulator (default: $PUBSUB_EMULATOR_HOST)')
    .option('--blob-store <url>', 'archive and audit store: gs://bucket[/prefix], file:///dir or a path (default: $BLOB_STORE_URL or .data/blobs)')
    .option('--archive-prefix <prefix>', 'key prefix of the archive (default: $ARCHIVE_PREFIX or archive)')
    .option('--as <who>', 'who you are, for the audit trail (default: $OPS_USER or user@host)')
    .option('--json', 'machine-readable output')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  const ctxOf = async (cmd: Command): Promise<{ ctx: OpsContext; g: GlobalOpts }> => {
    const g = cmd.optsWithGlobals<GlobalOpts>();
    const settings: ContextSettings = {
      ...(g.project ? { project: g.project } : {}),
      ...(g.emulatorHost ? { emulatorHost: g.emulatorHost } : {}),
      ...(g.blobStore ? { blobStore: g.blobStore } : {}),
      ...(g.archivePrefix ? { archivePrefix: g.archivePrefix } : {}),
      ...((g as { as?: string }).as ? { who: (g as { as?: string }).as! } : {}),
    };
    return { ctx: await (io.context ?? createContext)(settings), g };
  };
  const withCtx = <A extends unknown[]>(fn: (ctx: OpsContext, g: GlobalOpts, ...args: A) => Promise<void>) =>
    async (...args: A): Promise<void> => {
      const cmd = args[args.length - 1] as Command;
      const { ctx, g } = await ctxOf(cmd);
      try {
        await fn(ctx, g, ...args);
      } finally {
        await ctx.pubsub.close();
      }
    };
  const json = (v: unknown): void => io.out(JSON.stringify(v, null, 2));

  program
    .command('topics')
    .description('topics with their schema, retention and subscriptions')
    .action(
      withCtx(async (ctx, g) => {
        const topics = await listTopics(ctx);
        if (g.json) return json(topics);
        io.out(table(['TOPIC', 'SCHEMA', 'RETENTION', 'SUBSCRIPTIONS'], topics.map((t) => [t.name, t.schema ?? '-', duration(t.messageRetentionSeconds), t.subscriptions.join(', ')])));
      }),
    );

  program
    .command('subscriptions')
    .description('subscriptions with their dead-letter policy, retry, filter and ordering')
    .option('--topic <topic>', 'only this topic')
    .action(
      withCtx(async (ctx, g, opts: { topic?: string }) => {
        const subs = await listSubscriptions(ctx, opts.topic);
        if (g.json) return json(subs);
        io.out(
          table(
            ['SUBSCRIPTION', 'TOPIC', 'ACK', 'RETAIN', 'ORDERED', 'DEAD LETTER (max attempts)', 'RETRY', 'FILTER'],
            subs.map((s) => [
              s.name,
              s.topic,
              `${s.ackDeadlineSeconds}s`,
              s.retainAckedMessages ? `acked ${duration(s.messageRetentionSeconds)}` : duration(s.messageRetentionSeconds),
              s.ordering ? 'yes' : 'no',
              s.deadLetter ? `${s.deadLetter.topic} (${s.deadLetter.maxDeliveryAttempts})` : '-',
              s.retry ? `${duration(s.retry.minimumBackoffSeconds)}..${duration(s.retry.maximumBackoffSeconds)}` : '-',
              s.filter || '-',
            ]),
          ),
        );
      }),
    );

  program
    .command('seek <subscription>')
    .description('deliver again everything published after a time, or not acked in a snapshot')
    .addOption(new Option('--to-time <time>', 'ISO 8601, epoch ms, or relative (-2h)').conflicts('toSnapshot'))
    .addOption(new Option('--to-snapshot <snapshot>', 'a snapshot of this subscription').conflicts('toTime'))
    .action(
      withCtx(async (ctx, g, subscription: string, opts: { toTime?: string; toSnapshot?: string }) => {
        if (!opts.toTime && !opts.toSnapshot) throw new OpsError('seek needs --to-time <time> or --to-snapshot <snapshot>');
        const r = await seek(ctx, subscription, opts.toTime ? { time: parseTime(opts.toTime) } : { snapshot: opts.toSnapshot! });
        if (g.json) return json(r);
        io.out(`${subscription} now at ${r.toTime ?? `snapshot ${r.toSnapshot}`}: messages after it are delivered again`);
      }),
    );

  const snapshot = program.command('snapshot').description('snapshots of subscriptions (for seek --to-snapshot)');
  snapshot
    .command('create <name>')
    .requiredOption('--subscription <subscription>', 'the subscription whose unacked messages it keeps')
    .action(
      withCtx(async (ctx, g, name: string, opts: { subscription: string }) => {
        const r = await createSnapshot(ctx, name, opts.subscription);
        if (g.json) return json(r);
        io.out(`snapshot ${r.name} of ${opts.subscription} created`);
      }),
    );
  snapshot.command('list').action(
    withCtx(async (ctx, g) => {
      const snaps = await listSnapshots(ctx);
      if (g.json) return json(snaps);
      io.out(snaps.length === 0 ? 'no snapshots' : table(['SNAPSHOT', 'TOPIC', 'EXPIRES'], snaps.map((s) => [s.name, s.topic ?? '', s.expireTime ?? ''])));
    }),
  );
  snapshot.command('delete <name>').action(
    withCtx(async (ctx, g, name: string) => {
      await deleteSnapshot(ctx, name);
      if (g.json) return json({ deleted: name });
      io.out(`snapshot ${name} deleted`);
    }),
  );

  const dlq = program.command('dlq').description('dead letters of a consuming subscription (kept on <subscription>.dlq.ops)');
  dlq
    .command('inspect <subscription>')
    .description('list dead letters with reasons and attempts; nothing is consumed')
    .option('--filter <attr=value>', 'only these (repeatable)', collect, [])
    .option('--limit <n>', 'look at most at this many', positiveInt('--limit'), 1000)
    .action(
      withCtx(async (ctx, g, subscription: string, opts: { filter: AttributeFilter[]; limit: number }) => {
        const letters = await inspectDeadLetters(ctx, subscription, { limit: opts.limit, filters: opts.filter });
        if (g.json) return json(letters);
        if (letters.length === 0) return io.out(`no dead letters on ${subscription}`);
        io.out(
          table(
            ['DEAD-LETTERED', 'EVENT', 'TYPE', 'ATTEMPTS', 'CODE', 'REASON'],
            letters.map((d) => [d.deadLetteredAt ?? d.publishTime, d.eventId ?? d.messageId, d.type ?? '', d.attempts, d.code, truncate(d.reason, 80)]),
          ),
        );
        const codes = new Map<string, number>();
        for (const d of letters) codes.set(d.code, (codes.get(d.code) ?? 0) + 1);
        io.out(`\n${letters.length} dead letter(s): ${[...codes].map(([c, n]) => `${n} ${c}`).join(', ')}. They are still there; redrive with \`${BIN} dlq redrive ${subscription}\`.`);
      }),
    );
  dlq
    .command('redrive <subscription>')
    .description("publish dead letters back to the subscription's topic, then remove them from the dead-letter subscription")
    .option('--filter <attr=value>', 'only these, e.g. dlq-error-code=UNKNOWN_MERCHANT (repeatable)', collect, [])
    .option('--limit <n>', 'redrive at most this many', positiveInt('--limit'))
    .option('--rate <per-second>', 'messages per second (0: no limit)', rate, 100)
    .action(
      withCtx(async (ctx, g, subscription: string, opts: { filter: AttributeFilter[]; limit?: number; rate: number }) => {
        const r = await redriveDeadLetters(ctx, subscription, { filters: opts.filter, rate: opts.rate, ...(opts.limit !== undefined ? { limit: opts.limit } : {}) });
        if (g.json) return json(r);
        io.out(`redrove ${r.redriven} dead letter(s) of ${r.subscription} to ${r.topic} (redrive ${r.redriveId}); ${r.left} left on the dead-letter subscription${r.failed ? `, ${r.failed} failed to publish (still there)` : ''}`);
      }),
    );

  const replay = program
    .command('replay')
    .description('publish archived messages of a time window again; a dry run unless --execute')
    .option('--topic <topic>', 'archived topic to read')
    .option('--from <time>', 'window start, inclusive (ISO 8601, epoch ms, or -2h)')
    .option('--to <time>', 'window end, exclusive (default: now)')
    .option('--filter <attr=value>', 'only messages with this attribute (repeatable)', collect, [])
    .option('--to-topic <topic>', 'publish here instead of the original topic')
    .option('--include-copies', 'also send messages that were themselves replayed or redriven')
    .option('--rate <per-second>', 'messages per second (0: no limit)', rate, 1000)
    .option('--execute', 'really send (without it, print what would be sent)')
    .option('--resume <replay-id>', 'continue an interrupted replay (with --execute)')
    .action(
      withCtx(async (ctx, g, opts: { topic?: string; from?: string; to?: string; filter: AttributeFilter[]; toTopic?: string; includeCopies?: boolean; rate: number; execute?: boolean; resume?: string }) => {
        let replayId = opts.resume;
        if (replayId === undefined) {
          if (!opts.topic || !opts.from) throw new OpsError('replay needs --topic and --from (or --resume <replay-id>)', `e.g. ${BIN} replay --topic order-placed --from -2h --to -1h`);
          const params: ReplayParams = {
            topic: opts.topic,
            from: parseTime(opts.from).toISOString(),
            to: parseTime(opts.to ?? 'now').toISOString(),
            filters: opts.filter,
            toTopic: opts.toTopic ?? opts.topic,
            includeCopies: opts.includeCopies ?? false,
          };
          if (!opts.execute) {
            const plan = await planReplay(ctx, params);
            if (g.json) return json({ dryRun: true, params, ...plan });
            io.out(`Dry run: would publish ${plan.total} message(s) archived on ${params.topic} in [${params.from}, ${params.to}) to ${params.toTopic}` + (params.filters.length ? ` matching ${params.filters.map((f) => `${f.key}=${f.value}`).join(', ')}` : '') + ` (${plan.partitions} hourly partition(s)).`);
            if (plan.total > 0) {
              io.out(table(['TYPE', 'COUNT'], Object.entries(plan.byType)));
              io.out(table(['HOUR', 'COUNT'], Object.entries(plan.byHour)));
              io.out(table(['PUBLISHED', 'MESSAGE', 'EVENT', 'KEY'], [...plan.first, ...plan.last].map((m) => [m.publishTime, m.messageId, m.attributes['ce-id'] ?? '', m.orderingKey ?? ''])));
            }
            io.out(`At ${opts.rate > 0 ? `${opts.rate} msg/s` : 'full speed'} that takes about ${opts.rate > 0 ? Math.ceil(plan.total / opts.rate) : 0} s. Add --execute to send.`);
            return;
          }
          const state = await createReplay(ctx, params);
          replayId = state.replayId;
          io.err(`replay ${replayId}: ${state.total} message(s) to ${params.toTopic}; Ctrl-C stops it safely, \`${BIN} replay --resume ${replayId} --execute\` continues`);
        } else if (!opts.execute) {
          const s = await loadReplay(ctx.store, replayId);
          if (g.json) return json(s);
          io.out(`replay ${s.replayId} is ${s.status}: ${s.sent}/${s.total} sent to ${s.params.toTopic}. Add --execute to continue it.`);
          return;
        }
        const before = await loadReplay(ctx.store, replayId);
        const bar = io.progress
          ? new cliProgress.SingleBar(
              { format: 'replay |{bar}| {percentage}% | {value}/{total} | {speed} msg/s | ETA {eta_formatted}', hideCursor: true, etaBuffer: 50, stream: process.stderr },
              cliProgress.Presets.shades_classic,
            )
          : undefined;
        bar?.start(before.total, before.sent, { speed: 0 });
        const started = performance.now();
        let lastLine = 0;
        const result = await runReplay(ctx, replayId, {
          rate: opts.rate,
          ...(io.signal ? { signal: io.signal } : {}),
          onProgress: (p) => {
            const speed = Math.round((p.sent - before.sent) / Math.max(0.001, (performance.now() - started) / 1000));
            if (bar) bar.update(p.sent, { speed });
            else if (performance.now() - lastLine > 5000) {
              lastLine = performance.now();
              io.err(`replay ${replayId}: ${p.sent}/${p.total} (${speed} msg/s)`);
            }
          },
        }).finally(() => bar?.stop());
        const seconds = (performance.now() - started) / 1000;
        const sentNow = result.sent - before.sent;
        if (g.json) return json({ ...result, sentNow, seconds });
        if (result.status === ReplayStatuses.Completed) {
          io.out(`replay ${replayId} completed: ${result.total} message(s) published to ${result.params.toTopic} (${sentNow} now, ${Math.round(sentNow / Math.max(seconds, 0.001))} msg/s)`);
        } else {
          io.out(`replay ${replayId} ${result.status} at ${result.sent}/${result.total}; continue with \`${BIN} replay --resume ${replayId} --execute\``);
          status.code = 130;
        }
      }),
    );
  replay.command('list').description('replays recorded in the blob store').action(
    withCtx(async (ctx, g) => {
      const all = await listReplays(ctx.store);
      if (g.json) return json(all);
      io.out(all.length === 0 ? 'no replays' : table(['REPLAY', 'CREATED', 'BY', 'STATUS', 'SENT', 'TOPIC -> TO', 'WINDOW'], all.map((r) => [r.replayId, r.createdAt, r.createdBy, r.status, `${r.sent}/${r.total}`, `${r.params.topic} -> ${r.params.toTopic}`, `${r.params.from} .. ${r.params.to}`])));
    }),
  );

  program
    .command('trace <id>')
    .description('every archived event about an id (event id, message id, order id, user id...) across topics, in time order')
    .option('--from <time>', 'only events published at or after this')
    .option('--to <time>', 'only events published before this')
    .option('--topic <topic>', 'only these topics (repeatable)', (v: string, p: string[]) => [...p, v], [] as string[])
    .action(
      withCtx(async (ctx, g, id: string, opts: { from?: string; to?: string; topic: string[] }) => {
        const hits = await trace(ctx, id, {
          ...(opts.from ? { from: parseTime(opts.from) } : {}),
          ...(opts.to ? { to: parseTime(opts.to) } : {}),
          ...(opts.topic.length ? { topics: opts.topic } : {}),
        });
        if (g.json) return json(hits);
        if (hits.length === 0) return io.out(`nothing archived mentions ${id}${opts.from || opts.to ? ' in that window' : ''}`);
        io.out(table(['PUBLISHED', 'TOPIC', 'TYPE', 'EVENT', 'MATCHED ON', 'NOTE'], hits.map((h) => [h.publishTime, h.topic, h.type, h.eventId, h.matchedOn, h.copy ? `${h.copy} copy` : ''])));
        io.out(`\n${hits.length} event(s) on ${new Set(hits.map((h) => h.topic)).size} topic(s)`);
      }),
    );

  program
    .command('archive')
    .description('what the archive holds, per topic and hour, from the manifests (no segment is read)')
    .option('--topic <topic>', 'only these topics (repeatable)', (v: string, p: string[]) => [...p, v], [] as string[])
    .option('--from <time>', 'hours overlapping this and later')
    .option('--to <time>', 'hours before this')
    .action(
      withCtx(async (ctx, g, opts: { topic: string[]; from?: string; to?: string }) => {
        const from = opts.from ? parseTime(opts.from) : undefined;
        const to = opts.to ? parseTime(opts.to) : undefined;
        const rows = [];
        for (const topic of opts.topic.length ? opts.topic : await ctx.archive.topics()) {
          for (const p of await ctx.archive.partitions(topic, from, to)) {
            const m = await ctx.archive.manifest(p);
            rows.push({ topic, hour: m.hour, count: m.count, segments: m.segments.length, bytes: m.segments.reduce((n, s) => n + s.bytes, 0), firstPublishTime: m.firstPublishTime, lastPublishTime: m.lastPublishTime });
          }
        }
        if (g.json) return json(rows);
        if (rows.length === 0) return io.out(`the archive in ${ctx.store.description} holds nothing${from || to ? ' in that window' : ''}`);
        io.out(table(['TOPIC', 'HOUR', 'MESSAGES', 'SEGMENTS', 'BYTES', 'FIRST', 'LAST'], rows.map((r) => [r.topic, r.hour, r.count, r.segments, r.bytes, r.firstPublishTime ?? '', r.lastPublishTime ?? ''])));
        io.out(`\n${rows.reduce((n, r) => n + r.count, 0)} message(s) in ${rows.length} partition(s)`);
      }),
    );

  program
    .command('audit')
    .description('the audit trail of mutating commands')
    .option('--since <time>', 'only records at or after this', '-7d')
    .action(
      withCtx(async (ctx, g, opts: { since: string }) => {
        const records = await ctx.audit.list(parseTime(opts.since));
        if (g.json) return json(records);
        io.out(records.length === 0 ? 'no audit records' : table(['AT', 'WHO', 'COMMAND', 'OK', 'COUNT', 'ARGS'], records.map((r) => [r.at, r.who, r.command, r.ok ? 'yes' : `no: ${r.error}`, r.count, truncate(JSON.stringify(r.args), 100)])));
      }),
    );

  return program;
}

/** Runs the command line; never exits the process. Returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const status = { code: 0 };
  try {
    await buildProgram(io, status).parseAsync(argv, { from: 'user' });
    return status.code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof OpsError) {
      io.err(`${BIN}: ${err.message}${err.hint ? `\n  ${err.hint}` : ''}`);
      return 1;
    }
    io.err(`${BIN}: ${(err as Error)?.message ?? String(err)}`);
    return 1;
  }
}
