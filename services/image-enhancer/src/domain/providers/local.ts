import { EnhanceDefaults, enhanceLocal, type EnhanceOptions } from '../enhance.js';
import type { EnhanceProvider, ProviderInput, ProviderOutput } from './provider.js';

/** The default: sharp (libvips) plus the filters in this package, offline, no model download. */
export class LocalProvider implements EnhanceProvider {
  readonly name = 'local' as const;
  constructor(private readonly options: EnhanceOptions = EnhanceDefaults) {}

  async enhance(input: ProviderInput): Promise<ProviderOutput> {
    return { master: await enhanceLocal(input.image, input.plan, this.options), provider: 'local' };
  }

  health(): Record<string, unknown> {
    return { provider: 'local', engine: 'sharp/libvips', background: this.options.background };
  }
}
