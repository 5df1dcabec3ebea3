import * as tf from '@tensorflow/tfjs';
import { BackendUnavailableError, defaultLoaders, parseBackendSetting, selectBackend, type BackendLoaders } from './backend.js';

describe('selectBackend', () => {
  it('auto skips the absent tfjs-node packages, says why, and lands on wasm', async () => {
    const selection = await selectBackend('auto');
    expect(selection.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(selection.tried.map((t) => [t.backend, t.ok])).toEqual([
      ['tensorflow-gpu', false],
      ['tensorflow', false],
      ['wasm', true],
    ]);
    expect(selection.tried[0]!.reason).toMatch(/cannot load: .*@tensorflow\/tfjs-node-gpu/);
    expect(selection.tried[1]!.reason).toMatch(/cannot load: .*@tensorflow\/tfjs-node/);
    // The wasm kernels really run (the .wasm binary was found on disk).
    expect(Array.from(tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([3, 2]))).dataSync())).toEqual([3, 3, 3, 3]);
  });

  it('falls through to cpu when wasm cannot load, recording the reason', async () => {
    const loaders: BackendLoaders = { ...defaultLoaders, wasm: () => Promise.reject(new Error('wasm binary missing')) };
    const selection = await selectBackend('auto', loaders);
    expect(selection.backend).toBe('cpu');
    expect(selection.tried.find((t) => t.backend === 'wasm')).toEqual({ backend: 'wasm', ok: false, reason: 'cannot load: wasm binary missing' });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('fails clearly when a forced backend is unavailable', async () => {
    const attempt = selectBackend('tensorflow-gpu');
    await expect(attempt).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(selectBackend('tensorflow-gpu')).rejects.toThrow(/FRAUD_MODEL_BACKEND=tensorflow-gpu was requested but is unavailable: cannot load/);
  });

  it('honours a forced cpu backend', async () => {
    expect(await selectBackend('cpu')).toEqual({ backend: 'cpu', tried: [{ backend: 'cpu', ok: true }] });
  });

  it('parses the setting strictly', () => {
    expect(parseBackendSetting(undefined)).toBe('auto');
    expect(parseBackendSetting('wasm')).toBe('wasm');
    expect(() => parseBackendSetting('gpu')).toThrow(/FRAUD_MODEL_BACKEND must be one of auto, tensorflow-gpu, tensorflow, wasm, cpu/);
  });
});
