import { templateCopy } from '../copy.js';
import { slideshow } from '../render.js';
import type { CreativeProvider } from './provider.js';

/** Offline and free: copy from templates, a typographic cover, the pages as an animated WebP. */
export class LocalProvider implements CreativeProvider {
  readonly name = 'local' as const;
  async copy(...[input]: Parameters<CreativeProvider['copy']>): ReturnType<CreativeProvider['copy']> {
    return { value: templateCopy(input), provider: 'local', costMinor: 0 };
  }
  async hero(): ReturnType<CreativeProvider['hero']> {
    return { value: undefined, provider: 'local', costMinor: 0 };
  }
  async video(...[input]: Parameters<CreativeProvider['video']>): ReturnType<CreativeProvider['video']> {
    return { value: { kind: 'webp', bytes: await slideshow(input.frames, input.frameMs, input.width) }, provider: 'local', costMinor: 0 };
  }
  health(): Record<string, unknown> {
    return { provider: 'local' };
  }
}
