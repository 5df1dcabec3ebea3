import { Registry } from 'prom-client';
import { eventKitMetrics } from './metrics.js';

describe('the kit histograms', () => {
  it('render as standard Prometheus histograms: cumulative buckets, +Inf, sum and count per label set', async () => {
    const registry = new Registry();
    const m = eventKitMetrics(registry);
    const ok = m.handlerSeconds.labels({ subscription: 'order-placed.fraud-scorer', outcome: 'ok' });
    for (const s of [0.0004, 0.003, 0.003, 0.2, 45]) ok.observe(s);
    m.handlerSeconds.labels({ subscription: 'order-placed.fraud-scorer', outcome: 'error' }).observe(0.02);
    expect(m.handlerSeconds.labels({ subscription: 'order-placed.fraud-scorer', outcome: 'ok' })).toBe(ok);

    const text = await registry.metrics();
    const line = (le: string, outcome = 'ok'): string | undefined =>
      text.split('\n').find((l) => l.startsWith(`eventkit_handler_duration_seconds_bucket{subscription="order-placed.fraud-scorer",outcome="${outcome}",le="${le}"}`));
    expect(text).toContain('# TYPE eventkit_handler_duration_seconds histogram');
    expect(line('0.001')).toMatch(/ 1$/);
    expect(line('0.005')).toMatch(/ 3$/);
    expect(line('0.25')).toMatch(/ 4$/);
    expect(line('30')).toMatch(/ 4$/);
    expect(line('+Inf')).toMatch(/ 5$/);
    expect(line('0.025', 'error')).toMatch(/ 1$/);
    expect(text).toContain('eventkit_handler_duration_seconds_count{subscription="order-placed.fraud-scorer",outcome="ok"} 5');
    expect(text).toMatch(/eventkit_handler_duration_seconds_sum\{subscription="order-placed.fraud-scorer",outcome="ok"\} 45\.206/);

    registry.resetMetrics();
    expect(await registry.metrics()).toContain('eventkit_handler_duration_seconds_count{subscription="order-placed.fraud-scorer",outcome="ok"} 0');
  });
});
