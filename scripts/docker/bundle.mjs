#!/usr/bin/env node
// Assembles ONE service's production tree for its container image, from a workspace where
// `npm ci` and `tsc --build` have run:
//
//   node scripts/docker/bundle.mjs services/fraud-scorer /out [--extra @tensorflow/tfjs-node-gpu]
//   node scripts/docker/bundle.mjs --closure services/fraud-scorer      (prints what it would take, as JSON)
//
// Why not `npm ci --omit=dev -w services/<name>`: npm still links every workspace the service
// names in devDependencies (topology, testing, emulators) and installs *their* dependencies, so the
// image would carry yaml, commander and the provisioner. This walks Node's own resolution instead:
// from the `dependencies` (+ optional, + non-optional peers) of the service and of every workspace
// package it depends on, transitively, and copies exactly the packages that resolution reaches.
// Workspace packages are copied as package.json + dist (no sources, no .d.ts), third-party ones whole.
// Plain JavaScript: it runs in the image's build stage, where tsx may not be installed.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = process.cwd();
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** name -> directory (relative to the root) of every workspace package. */
export function workspaces(root = ROOT) {
  const patterns = readJson(join(root, 'package.json')).workspaces ?? [];
  const dirs = patterns.flatMap((p) => {
    if (!p.endsWith('/*')) return [p];
    const parent = p.slice(0, -2);
    return existsSync(join(root, parent)) ? readdirSync(join(root, parent)).map((d) => `${parent}/${d}`) : [];
  });
  return new Map(dirs.filter((d) => existsSync(join(root, d, 'package.json'))).map((d) => [readJson(join(root, d, 'package.json')).name, d]));
}

const runtimeDeps = (pkg) => [
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.optionalDependencies ?? {}),
  ...Object.keys(pkg.peerDependencies ?? {}).filter((n) => pkg.peerDependenciesMeta?.[n]?.optional !== true),
];
const optional = (pkg, name) => name in (pkg.optionalDependencies ?? {}) || pkg.peerDependenciesMeta?.[name]?.optional === true;

/** Where Node would resolve `name` from a package in `fromDir`: the nearest node_modules upward. */
function resolvePackage(name, fromDir, root) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dirname(dir) === dir) return undefined;
  }
}

/**
 * The production closure of a workspace: the workspace packages (directories) and the
 * third-party package directories (relative to the root) its runtime can reach.
 */
export function closure(workspaceDir, { root = ROOT, extra = [] } = {}) {
  const byName = workspaces(root);
  const byDir = new Map([...byName].map(([n, d]) => [resolve(root, d), n]));
  const local = new Set();
  const thirdParty = new Set();
  const queue = [{ dir: resolve(root, workspaceDir), deps: null }];
  const start = readJson(join(root, workspaceDir, 'package.json'));
  queue[0].deps = [...runtimeDeps(start), ...extra];
  const seen = new Set();
  while (queue.length > 0) {
    const { dir, deps } = queue.shift();
    const real = realpathSync(dir);
    if (seen.has(real)) continue;
    seen.add(real);
    const pkg = readJson(join(dir, 'package.json'));
    if (byDir.has(real)) local.add(relative(root, real).split(sep).join('/'));
    else thirdParty.add(relative(root, dir).split(sep).join('/'));
    for (const name of deps ?? runtimeDeps(pkg)) {
      const found = byName.has(name) ? resolve(root, byName.get(name)) : resolvePackage(name, dir, root);
      if (found === undefined) {
        if (optional(pkg, name)) continue; // e.g. another platform's sharp binary
        throw new Error(`${pkg.name} needs ${name}, which is not installed: run npm ci first`);
      }
      queue.push({ dir: found, deps: null });
    }
  }
  return { workspaces: [...local].sort(), packages: [...thirdParty].sort() };
}

/** Copies the closure to `out`, with a root package.json that lists only those workspaces. */
export function bundle(workspaceDir, out, { root = ROOT, extra = [] } = {}) {
  const c = closure(workspaceDir, { root, extra });
  mkdirSync(out, { recursive: true });
  const rootPkg = readJson(join(root, 'package.json'));
  writeFileSync(join(out, 'package.json'), `${JSON.stringify({ name: rootPkg.name, private: true, type: rootPkg.type, workspaces: c.workspaces }, null, 2)}\n`);
  for (const ws of c.workspaces) {
    const pkg = readJson(join(root, ws, 'package.json'));
    if (!existsSync(join(root, ws, 'dist'))) throw new Error(`${ws}/dist is missing: run tsc --build first`);
    mkdirSync(join(out, ws), { recursive: true });
    // The image runs dist/ only: no sources, scripts or dev dependencies in its package.json.
    const { devDependencies: _dev, scripts: _scripts, ...runtime } = pkg;
    writeFileSync(join(out, ws, 'package.json'), `${JSON.stringify(runtime, null, 2)}\n`);
    cpSync(join(root, ws, 'dist'), join(out, ws, 'dist'), {
      recursive: true,
      filter: (src) => !/\.d\.ts(\.map)?$|\.tsbuildinfo$|\.test\.js(\.map)?$/.test(src),
    });
    // Workspace packages resolve each other through node_modules/<scope>/<name> links.
    const link = join(out, 'node_modules', pkg.name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(relative(dirname(link), join(out, ws)), link);
  }
  // A package's own node_modules holds its private versions: each reachable one is in the list itself.
  for (const p of c.packages) {
    const nested = join(root, p, 'node_modules');
    cpSync(join(root, p), join(out, p), { recursive: true, verbatimSymlinks: true, filter: (src) => src !== nested });
  }
  return c;
}

function main(argv) {
  const extra = [];
  const args = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--extra') extra.push(argv[++i]);
    else args.push(argv[i]);
  }
  if (args[0] === '--closure' && args[1]) {
    console.log(JSON.stringify(closure(args[1], { extra }), null, 2));
    return;
  }
  if (args.length !== 2) {
    console.error('usage: bundle.mjs <workspace dir> <out dir> [--extra <package>]... | bundle.mjs --closure <workspace dir>');
    process.exit(2);
  }
  const c = bundle(args[0], args[1], { extra });
  console.log(`bundle: ${args[0]} -> ${args[1]}: ${c.workspaces.length} workspace packages (${c.workspaces.join(', ')}), ${c.packages.length} third-party packages`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    console.error(`bundle: ${err.message}`);
    process.exit(1);
  }
}
