import { loadConfig } from '@commerce/service-kit';
import { pino } from 'pino';
import { ImageEnhancerConfig } from './config.js';
import { pipelineFromConfig } from './domain/from-config.js';

const load = (env: Record<string, string>) => loadConfig(ImageEnhancerConfig, { GOOGLE_CLOUD_PROJECT: 'p', ...env }, 'image-enhancer') as unknown as ImageEnhancerConfig;

describe('image-enhancer configuration', () => {
  it('has working defaults: local provider, white backdrop, 18 variants', () => {
    const c = load({});
    expect(c).toMatchObject({ IMAGE_PROVIDER: 'local', BACKGROUND: 'white', OUTPUT_PREFIX: 'enhanced/', IMAGE_CONCURRENCY: 2 });
    const p = pipelineFromConfig(c, pino({ level: 'silent' }));
    expect(p.provider.name).toBe('local');
    expect(p.options.variants.aspects.length * p.options.variants.widths.length * p.options.variants.formats.length).toBe(18);
  });

  it('stops at boot listing every bad setting with what it expects', () => {
    let message = '';
    try {
      load({ IMAGE_PROVIDER: 'dall-e', VARIANT_FORMATS: 'avif,bmp', OUTPUT_PREFIX: 'enhanced', GEMINI_BASE_URL: 'localhost:9' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^image-enhancer cannot start/);
    expect(message).toMatch(/IMAGE_PROVIDER: .*\(got "dall-e"\) - local \(offline, sharp\) or gemini/);
    expect(message).toMatch(/VARIANT_FORMATS: .*\(got "avif,bmp"\)/);
    expect(message).toMatch(/OUTPUT_PREFIX: .*\(got "enhanced"\)/);
    expect(message).toMatch(/GEMINI_BASE_URL: .*\(got "localhost:9"\)/);
  });

  it('selects gemini by config, and a change of any output setting changes the recipe (new keys, nothing overwritten)', () => {
    const local = pipelineFromConfig(load({}), pino({ level: 'silent' }));
    const gemini = pipelineFromConfig(load({ IMAGE_PROVIDER: 'gemini', GEMINI_BASE_URL: 'http://127.0.0.1:9' }), pino({ level: 'silent' }));
    expect(gemini.provider.name).toBe('gemini');
    expect(gemini.provider.health()).toMatchObject({ provider: 'gemini', fallback: 'local', budget: { limitUsd: 20 } });
    expect(gemini.recipe).not.toBe(local.recipe);
    expect(pipelineFromConfig(load({ VARIANT_WIDTHS: '320,640' }), pino({ level: 'silent' })).recipe).not.toBe(local.recipe);
    expect(pipelineFromConfig(load({}), pino({ level: 'silent' })).recipe).toBe(local.recipe);
  });
});
