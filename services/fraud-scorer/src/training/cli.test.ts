import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cli.ts');

/** The CLI as `make eval-fraud` runs it: a separate process through tsx. */
async function cli(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const env = { ...process.env, NODE_OPTIONS: '', FRAUD_MODEL_BACKEND: 'wasm' };
  return run(process.execPath, ['--import', 'tsx', '--conditions=development', CLI, ...args], { env, maxBuffer: 16 << 20 });
}

describe('fraud model CLI', () => {
  let store: string;
  beforeAll(async () => {
    store = await mkdtemp(path.join(tmpdir(), 'fraud-cli-'));
  });
  afterAll(async () => {
    await rm(store, { recursive: true, force: true });
  });

  it('eval ends stdout with the one-line bench JSON, and thresholds shows what train chose', async () => {
    const { stdout } = await cli(['--store', store, 'eval', '--orders', '2500', '--shoppers', '400', '--fraud-share', '0.1', '--epochs', '2', '--version', 'cli.1']);
    const lines = stdout.trimEnd().split('\n');
    const bench = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    expect(Object.keys(bench)).toEqual(['bench', 'gnn_pr_auc', 'baseline_pr_auc', 'gnn_roc_auc', 'baseline_roc_auc']);
    expect(bench.bench).toBe('fraud-eval');
    for (const k of ['gnn_pr_auc', 'baseline_pr_auc', 'gnn_roc_auc', 'baseline_roc_auc']) expect(bench[k]).toEqual(expect.any(Number));
    expect(stdout).toMatch(/^backend {5}wasm/m);
    expect(stdout).toMatch(/^ {2}PR AUC/m);

    const shown = await cli(['--store', store, 'thresholds']);
    expect(shown.stdout).toMatch(/^fraud-gnn@cli\.1: review [0-9.]+ {2}decline [0-9.]+ {2}alert [0-9.]+$/m);
  }, 120_000);

  it('rejects bad options with a usage error, before doing any work', async () => {
    await expect(cli(['--store', store, 'train', '--epochs', 'many'])).rejects.toMatchObject({ stderr: expect.stringMatching(/--epochs must be a positive integer, got "many"/) });
    await expect(cli(['--store', store, 'evaluate', '--baseline', 'forest'])).rejects.toMatchObject({ stderr: expect.stringMatching(/Allowed choices are gbt, logreg/) });
  }, 60_000);
});
