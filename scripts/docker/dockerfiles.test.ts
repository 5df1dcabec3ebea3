import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { parse } from 'yaml';

/**
 * No Docker engine here, so the images are checked for what a wrong Dockerfile would get wrong:
 * another service's entry point, a root user, no health check, dev dependencies in the image.
 */
const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');
/** A Dockerfile's instructions, without its comments (which may well mention curl). */
const instructions = (path: string): string => read(path).split('\n').filter((l) => !l.trimStart().startsWith('#')).join('\n');
const services = readdirSync(new URL('services/', root)).filter((d) => existsSync(new URL(`services/${d}/package.json`, root)));

function closure(dir: string, extra: string[] = []): { workspaces: string[]; packages: string[] } {
  const args = ['scripts/docker/bundle.mjs', '--closure', dir, ...extra.flatMap((e) => ['--extra', e])];
  return JSON.parse(execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' })) as { workspaces: string[]; packages: string[] };
}
/** Tools that must never reach a production image. */
const DEV_ONLY = ['jest', 'ts-jest', 'typescript', 'eslint', 'tsx', '@commerce/topology', '@commerce/testing', '@commerce/emulators', 'playwright-core', '@cdktf/hcl2json', 'yaml'];

describe.each(services)('services/%s/Dockerfile', (name) => {
  const path = `services/${name}/Dockerfile`;
  const text = existsSync(new URL(path, root)) ? instructions(path) : '';

  it('exists, is multi-stage, and runs this service as a non-root user', () => {
    expect(text).not.toBe('');
    expect(text.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^USER node$/m);
    expect(text).toContain(`node scripts/docker/bundle.mjs services/${name} /out`);
    expect(text).toContain(`npx tsc --build services/${name}`);
    expect(text).toMatch(new RegExp(`^CMD \\["node", "--enable-source-maps", "services/${name}/dist/server.js"\\]$`, 'm'));
  });

  it('checks /healthz with node (slim images have no curl) and writes only to TMPDIR', () => {
    expect(text).toMatch(/^HEALTHCHECK .*\n\s+CMD \["node", "-e", ".*\/healthz/m);
    expect(text).not.toMatch(/curl|wget/);
    expect(text).toMatch(/^ENV TMPDIR=\/tmp/m);
  });

  it('bundles only production dependencies', () => {
    const c = closure(`services/${name}`);
    const pkg = JSON.parse(read(`services/${name}/package.json`)) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    const workspaceNames = c.workspaces.map((w) => (JSON.parse(read(`${w}/package.json`)) as { name: string }).name);
    for (const dep of Object.keys(pkg.dependencies ?? {}).filter((d) => d.startsWith('@commerce/'))) expect(workspaceNames).toContain(dep);
    const names = [...workspaceNames, ...c.packages.map((p) => p.replace(/^.*node_modules\//, ''))];
    for (const dev of DEV_ONLY) expect(names).not.toContain(dev);
  });
});

describe('services/fraud-scorer/Dockerfile.gpu', () => {
  const text = instructions('services/fraud-scorer/Dockerfile.gpu');
  it('runs the scorer on CUDA 11.2 with tfjs-node-gpu, to the same standards as the CPU images', () => {
    expect(text).toMatch(/^ARG CUDA_IMAGE=nvidia\/cuda:11\.2\.\d+-cudnn8-runtime/m);
    expect(text).toContain('@tensorflow/tfjs-node-gpu@4.22.0');
    expect(text).toContain('node scripts/docker/bundle.mjs services/fraud-scorer /out --extra @tensorflow/tfjs-node-gpu');
    expect(text).toMatch(/^USER node$/m);
    expect(text).toMatch(/^HEALTHCHECK .*\n\s+CMD \["node", "-e", ".*\/healthz/m);
    expect(text).not.toMatch(/curl|wget|nodesource/);
    expect(text).toMatch(/^CMD \["node", "--enable-source-maps", "services\/fraud-scorer\/dist\/server.js"\]$/m);
  });

  it('pins tfjs-node-gpu to the tfjs version in the lock (one tfjs engine for both)', () => {
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { version?: string }> };
    expect(lock.packages['node_modules/@tensorflow/tfjs']?.version).toBe('4.22.0');
  });
});

describe('.dockerignore', () => {
  const lines = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  it('keeps installed and built files, git and Terraform state out of the build context', () => {
    expect(lines).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git', 'infra/*.tfstate']));
  });
  it('keeps what the images need: the topology and the generated schemas', () => {
    expect(lines.some((l) => /^(infra|contracts)\/?$|topology|generated/.test(l))).toBe(false);
  });
});

describe('infra/cloudbuild.yaml', () => {
  const build = parse(read('infra/cloudbuild.yaml')) as { steps: Array<{ id: string; args: string[] }>; images: string[] };
  it.each([...services.map((s) => [s, `services/${s}/Dockerfile`]), ['fraud-scorer-gpu', 'services/fraud-scorer/Dockerfile.gpu']])('builds and pushes %s from %s', (image, dockerfile) => {
    const step = build.steps.find((s) => s.id === image);
    expect(step?.args).toEqual(expect.arrayContaining(['-f', dockerfile, `\${_REGION}-docker.pkg.dev/\${PROJECT_ID}/\${_REPOSITORY}/${image}:\${_TAG}`]));
    expect(build.images).toContain(`\${_REGION}-docker.pkg.dev/\${PROJECT_ID}/\${_REPOSITORY}/${image}:\${_TAG}`);
  });
});
