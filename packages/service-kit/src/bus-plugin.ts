import type { EventBus } from '@commerce/event-kit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** The process's event bus (Pub/Sub in services, in-memory in handler tests). */
    bus: EventBus;
  }
}

/** Decorates the app with the bus and closes it (drain, then flush) when the app closes. */
export const eventBusPlugin = fp(
  async (app: FastifyInstance, opts: { bus: EventBus }) => {
    app.decorate('bus', opts.bus);
    app.addHook('onClose', async () => {
      await opts.bus.close();
    });
  },
  { name: 'event-bus', fastify: '5.x' },
);
