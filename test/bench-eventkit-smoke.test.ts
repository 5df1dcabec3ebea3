import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * `make bench-eventkit`, small: both sides run against its own emulator and the last line is the
 * JSON object the issue specifies. Only its shape and arithmetic are checked, never the figures.
 */
describe('bench-eventkit, small', () => {
  it('runs both sides, gives the pairs an interval, and ends with one JSON line whose ratio is kit over raw', async () => {
    if (!existsSync(`${root}/packages/event-kit/dist/index.js`)) {
      throw new Error('packages are not built: run `make build` (make test does) before this test');
    }
    const env = { ...process.env, NODE_OPTIONS: '' };
    delete env['PUBSUB_EMULATOR_HOST']; // the bench starts and stops its own emulator
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench-eventkit.ts', '--messages', '300', '--runs', '3'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) process.stdout.write(`${out}${err}`);
    expect(code).toBe(0);
    expect(out).toMatch(/run {2}1 raw +\d+ msgs\/s end to end/);
    expect(out).toMatch(/run {2}2 kit +\d+ msgs\/s end to end/);
    // Three pairs (ABBA: raw kit kit raw raw kit): their geometric mean and an interval around it.
    const pairs = /kit\/raw of each adjacent pair: ([\d. ]+) \(/.exec(out)![1]!.trim().split(' ').map(Number);
    expect(pairs).toHaveLength(3);
    const [, mean, low, high, verdict] = /geometric mean ([\d.]+), 95% interval ([\d.]+)-([\d.]+) \(([^)]+)\)/.exec(out)!.map((v, i) => (i > 0 && i < 4 ? Number(v) : v)) as [string, number, number, number, string];
    expect(Math.abs(mean - Math.exp(pairs.reduce((s, r) => s + Math.log(r), 0) / 3))).toBeLessThan(0.002);
    expect(low).toBeLessThanOrEqual(mean);
    expect(high).toBeGreaterThanOrEqual(mean);
    if (low >= 0.95) expect(verdict).toBe('meets the target');
    else if (high < 0.95) expect(verdict).toBe('misses the target');
    else expect(verdict).toBe('cannot tell against the target: more pairs narrow it, e.g. --runs 50');
    const last = out.trimEnd().split('\n').pop()!;
    const line = JSON.parse(last) as { bench: string; messages: number; raw_msgs_per_s: number; kit_msgs_per_s: number; ratio: number };
    expect(Object.keys(line)).toEqual(['bench', 'messages', 'raw_msgs_per_s', 'kit_msgs_per_s', 'ratio']);
    expect(line).toMatchObject({ bench: 'eventkit', messages: 300 });
    expect(line.raw_msgs_per_s).toBeGreaterThan(0);
    expect(line.kit_msgs_per_s).toBeGreaterThan(0);
    // Rounded from the unrounded throughputs: within rounding of the printed ones.
    expect(Math.abs(line.ratio - line.kit_msgs_per_s / line.raw_msgs_per_s)).toBeLessThan(0.01);
  }, 300_000);
});
