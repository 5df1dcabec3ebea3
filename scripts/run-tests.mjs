#!/usr/bin/env node
// Runs jest (unit and integration projects, or what the arguments select) and ends with a
// plain `N passed, N failed, N skipped` line that CI and people can read at a glance.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';

const results = '.tmp/jest-results.json';
mkdirSync('.tmp', { recursive: true });
if (existsSync(results)) rmSync(results);

const args = ['node_modules/jest/bin/jest.js', '--json', `--outputFile=${results}`, ...process.argv.slice(2)];
const child = spawn(process.execPath, args, {
  stdio: 'inherit',
  env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim() },
});
child.on('exit', (code, signal) => {
  let line = 'jest wrote no results: see its output above';
  if (existsSync(results)) {
    const r = JSON.parse(readFileSync(results, 'utf8'));
    const skipped = r.numPendingTests + r.numTodoTests;
    line = `${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`;
    if (r.numRuntimeErrorTestSuites > 0) line += ` (${r.numRuntimeErrorTestSuites} test file(s) failed to run)`;
  }
  console.log(`\n${line}`);
  process.exit(code ?? (signal ? 1 : 0));
});
