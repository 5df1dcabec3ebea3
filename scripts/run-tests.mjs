#!/usr/bin/env node
// Runs jest (unit and integration projects, or what the arguments select) and ends with a
// plain `N passed, N failed, N skipped` line that CI and people can read at a glance.
//
// Jest writes its results file after the global teardown, as the very last step of a run. If jest
// is still alive EXIT_GRACE_MS after that, something a test opened (a child process, a gRPC
// channel, a timer) keeps it running, and it would hang until CI kills the whole job. This script
// then says so, stops jest's process group, and exits on the results jest already wrote.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';

const results = '.tmp/jest-results.json';
const EXIT_GRACE_MS = Number(process.env.JEST_EXIT_GRACE_MS ?? 30_000);
mkdirSync('.tmp', { recursive: true });
if (existsSync(results)) rmSync(results);

const args = ['node_modules/jest/bin/jest.js', '--json', `--outputFile=${results}`, ...process.argv.slice(2)];
// Its own process group, so that a hung run can be stopped with everything it started.
const child = spawn(process.execPath, args, {
  stdio: 'inherit',
  detached: true,
  env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim() },
});
const killGroup = (signal) => {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
};
// A terminal's Ctrl-C reaches only the foreground group: pass it on.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => killGroup(signal));

let hung = false;
const watch = setInterval(() => {
  if (!existsSync(results)) return;
  clearInterval(watch);
  setTimeout(() => {
    hung = true;
    console.error(
      `\nrun-tests: jest wrote its results but had not exited ${EXIT_GRACE_MS / 1000} s later: a test left a handle open ` +
        '(a child process, a client or a timer it never closed). Stopping jest and everything it started.\n' +
        'To find it: node scripts/run-tests.mjs --detectOpenHandles --testPathPattern <file>',
    );
    killGroup('SIGKILL');
  }, EXIT_GRACE_MS).unref();
}, 1000);

child.on('exit', (code, signal) => {
  clearInterval(watch);
  let line = 'jest wrote no results: see its output above';
  let failed = true;
  if (existsSync(results)) {
    const r = JSON.parse(readFileSync(results, 'utf8'));
    const skipped = r.numPendingTests + r.numTodoTests;
    line = `${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`;
    if (r.numRuntimeErrorTestSuites > 0) line += ` (${r.numRuntimeErrorTestSuites} test file(s) failed to run)`;
    failed = !r.success;
  }
  if (hung) line += ' (jest was stopped after the run: see the open-handle warning above)';
  console.log(`\n${line}`);
  // A run that hung after passing is reported, not failed: every test's verdict is in the results.
  process.exit(hung ? (failed ? 1 : 0) : (code ?? (signal ? 1 : 0)));
});
