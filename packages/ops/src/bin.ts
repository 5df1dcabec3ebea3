#!/usr/bin/env node
import { runCli } from './cli.js';

// Ctrl-C once: a running replay stops sending, checkpoints and exits 130. Twice: exit at once.
const abort = new AbortController();
process.on('SIGINT', () => {
  if (abort.signal.aborted) process.exit(130);
  process.stderr.write('\nstopping: waiting for messages in flight, then saving the checkpoint (Ctrl-C again to quit now)\n');
  abort.abort();
});

const code = await runCli(process.argv.slice(2), {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  progress: process.stderr.isTTY === true,
  signal: abort.signal,
});
process.exit(code);
