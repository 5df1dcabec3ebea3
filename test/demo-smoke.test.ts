import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** `make demo ONCE=1`, small: every stage of the local stack must pass, and say so. */
describe('make demo ONCE=1', () => {
  it('runs the whole stack once and exits 0 with every stage passed', async () => {
    if (!existsSync(`${root}/services/fraud-scorer/dist/server.js`)) {
      throw new Error('services are not built: run `make build` (make test does) before this test');
    }
    const env = { ...process.env, NODE_OPTIONS: '' };
    delete env['PUBSUB_EMULATOR_HOST']; // the demo starts and stops its own emulator, as for a newcomer
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', 'scripts/demo.ts', '--once', '--orders', '300', '--rate', '150', '--history', '1500', '--train-orders', '3000', '--train-epochs', '2', '--campaign-shoppers', '60', '--blobs', mkdtempSync(join(tmpdir(), 'demo-smoke-'))], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) process.stdout.write(out);
    expect(code).toBe(0);
    expect(out).toMatch(/✔ Every order scored\s+300\/300/);
    expect(out).toContain('All stages passed.');
    expect(out).toMatch(/detection\s+caught \d+\/\d+ fraudulent orders/);
    expect(out).toMatch(/✔ Fraud model\s+(trained )?fraud-gnn@/);
    expect(out).toMatch(/✔ Lookbooks made\s+\d+\/60 lookbooks/);
  }, 300_000);
});
