import { OpsError, inspectDeadLetters, parseTime, redriveDeadLetters, trace, planReplay, type AttributeFilter, type OpsContext, type ReplayParams } from '@commerce/ops';
import type { BlobStore } from '@commerce/blob-store';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authHook, type AuthSettings } from '../auth.js';
import { recentEvents } from '../domain/events.js';
import { overview } from '../domain/overview.js';
import type { ReplayRunner } from '../domain/replays.js';
import { serviceStatus } from '../domain/services.js';

export interface ApiDeps {
  readonly base: Omit<OpsContext, 'who'>;
  readonly media: BlobStore;
  readonly auth: AuthSettings;
  readonly operators: readonly string[];
  readonly replays: ReplayRunner;
  readonly services: ReadonlyArray<{ name: string; url: string }>;
  readonly recentMax: number;
  /** Fraud alerts received live on fraud-alert.ops-console, newest last. */
  readonly liveAlerts: () => readonly unknown[];
}

const Filter = Type.Object({ key: Type.String({ minLength: 1 }), value: Type.String() }, { additionalProperties: false });
const RedriveBody = Type.Object({ filters: Type.Optional(Type.Array(Filter)), limit: Type.Optional(Type.Integer({ minimum: 1 })), rate: Type.Optional(Type.Number({ minimum: 0 })) }, { additionalProperties: false });
const ReplayBody = Type.Object(
  {
    topic: Type.String({ minLength: 1 }),
    from: Type.String({ minLength: 1 }),
    to: Type.Optional(Type.String({ minLength: 1 })),
    toTopic: Type.Optional(Type.String({ minLength: 1 })),
    filters: Type.Optional(Type.Array(Filter)),
    rate: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
);

/** Checks a JSON body against its schema; a 400 lists every problem. */
function body<T extends Parameters<typeof Value.Check>[0]>(schema: T, value: unknown): Static<T> {
  const v = value ?? {};
  if (Value.Check(schema, v)) return v as Static<T>;
  const problems = [...Value.Errors(schema, v)].map((e) => `${e.path || '/'}: ${e.message}`);
  throw new OpsError(`invalid request: ${problems.join('; ')}`);
}

function replayParams(b: Static<typeof ReplayBody>): { params: ReplayParams; rate: number } {
  return {
    params: {
      topic: b.topic,
      from: parseTime(b.from).toISOString(),
      to: parseTime(b.to ?? 'now').toISOString(),
      filters: (b.filters ?? []) as AttributeFilter[],
      toTopic: b.toTopic ?? b.topic,
      includeCopies: false,
    },
    rate: b.rate ?? 500,
  };
}

/** The console's JSON API. Every route needs an identity; mutating ones also an operator. */
export async function apiRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.addHook('onRequest', authHook(deps.auth));
  const ctx = (req: FastifyRequest): OpsContext => ({ ...deps.base, who: req.identity! });
  const operator = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (deps.operators.length > 0 && !deps.operators.includes(req.identity!)) {
      await reply.code(403).send({ error: `${req.identity} may look but not redrive or replay; ask to be added to CONSOLE_OPERATORS`, code: 'FORBIDDEN' });
    }
  };
  app.setErrorHandler(async (err: Error & { statusCode?: number }, req, reply) => {
    if (err instanceof OpsError) {
      const notFound = /not found|does not exist|no replay/.test(err.message);
      return reply.code(notFound ? 404 : 400).send({ error: err.message, ...(err.hint ? { hint: err.hint } : {}) });
    }
    if (err.statusCode && err.statusCode < 500) return reply.code(err.statusCode).send({ error: err.message });
    req.log.error({ err }, 'console request failed');
    return reply.code(500).send({ error: err.message });
  });

  app.get('/api/me', async (req) => ({ identity: req.identity, auth: deps.auth.mode, operator: deps.operators.length === 0 || deps.operators.includes(req.identity!) }));
  app.get('/api/overview', async (req) => overview(ctx(req)));
  app.get('/api/archive/topics', async () => deps.base.archive.topics());
  app.get<{ Params: { topic: string }; Querystring: { max?: string } }>('/api/topics/:topic/events', async (req) =>
    recentEvents(deps.base.archive, req.params.topic, Math.min(Number(req.query.max ?? deps.recentMax) || deps.recentMax, 1000)),
  );

  app.get<{ Params: { subscription: string } }>('/api/dlq/:subscription', async (req) => inspectDeadLetters(ctx(req), req.params.subscription, { limit: 1000 }));
  app.post<{ Params: { subscription: string } }>('/api/dlq/:subscription/redrive', { preHandler: operator }, async (req) => {
    const b = body(RedriveBody, req.body);
    return redriveDeadLetters(ctx(req), req.params.subscription, {
      ...(b.filters ? { filters: b.filters } : {}),
      ...(b.limit !== undefined ? { limit: b.limit } : {}),
      rate: b.rate ?? 100,
    });
  });

  app.get('/api/replays', async (req) => (await deps.replays.list(ctx(req))).map((r) => ({ ...r, inputs: undefined, running: deps.replays.isRunning(r.replayId) })));
  app.get<{ Params: { id: string } }>('/api/replays/:id', async (req) => {
    const r = await deps.replays.get(ctx(req), req.params.id);
    return { ...r, inputs: undefined, running: deps.replays.isRunning(r.replayId) };
  });
  app.post('/api/replays/plan', async (req) => {
    const { params } = replayParams(body(ReplayBody, req.body));
    return { params, ...(await planReplay(ctx(req), params)) };
  });
  app.post('/api/replays', { preHandler: operator }, async (req, reply) => {
    const { params, rate } = replayParams(body(ReplayBody, req.body));
    const state = await deps.replays.start(ctx(req), params, rate);
    return reply.code(202).send({ ...state, inputs: undefined, running: true });
  });
  app.post<{ Params: { id: string } }>('/api/replays/:id/stop', { preHandler: operator }, async (req) => ({ stopped: await deps.replays.stop(req.params.id) }));
  app.post<{ Params: { id: string }; Body: { rate?: number } }>('/api/replays/:id/resume', { preHandler: operator }, async (req) => {
    await deps.replays.get(ctx(req), req.params.id);
    deps.replays.resume(ctx(req), req.params.id, Number(req.body?.rate ?? 500));
    return { resumed: req.params.id };
  });

  app.get('/api/alerts', async () => {
    const archived = await recentEvents(deps.base.archive, 'fraud-alert', deps.recentMax).catch(() => []);
    const seen = new Set(archived.map((e) => e.attributes['ce-id']));
    const live = deps.liveAlerts().filter((a) => !seen.has((a as { attributes: Record<string, string> }).attributes['ce-id']));
    return [...[...live].reverse(), ...archived];
  });

  app.get('/api/gallery', async () => ({
    enhanced: await recentEvents(deps.base.archive, 'image-enhanced', 24).catch(() => []),
    lookbooks: await recentEvents(deps.base.archive, 'lookbook-ready', 12).catch(() => []),
  }));
  app.get<{ Querystring: { key?: string } }>('/api/blob', async (req, reply) => {
    const key = req.query.key;
    if (!key) throw new OpsError('key is required');
    const info = await deps.media.head(key);
    if (!info) return reply.code(404).send({ error: `no ${key} in ${deps.media.kind} store` });
    return reply.header('content-type', info.contentType ?? 'application/octet-stream').header('cache-control', 'private, max-age=300').send(await deps.media.get(key));
  });

  app.get('/api/services', async () => Promise.all(deps.services.map((s) => serviceStatus(s.name, s.url))));
  app.get<{ Params: { id: string } }>('/api/trace/:id', async (req) => trace({ archive: deps.base.archive }, req.params.id));
  app.get('/api/audit', async () => (await deps.base.audit.list(new Date(Date.now() - 7 * 86_400_000))).reverse());
}
