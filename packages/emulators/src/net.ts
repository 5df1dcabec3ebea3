import { connect, createServer } from 'node:net';
import { EMULATOR_BIND_HOST, POLL_INTERVAL_MS, TCP_PROBE_TIMEOUT_MS } from './defaults.js';

/** Asks the kernel for a free port by binding port 0; another process can still take it before the emulator binds, which start-up then reports. */
export async function getFreePort(host: string = EMULATOR_BIND_HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close((err) => (err ? reject(err) : port > 0 ? resolve(port) : reject(new Error(`could not read the port bound on ${host}`))));
    });
  });
}

/** True when something accepts a TCP connection on host:port. */
export async function canConnect(port: number, host: string = EMULATOR_BIND_HOST, timeoutMs: number = TCP_PROBE_TIMEOUT_MS): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result: boolean): void => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true; false when `timeoutMs` passes first. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs: number = POLL_INTERVAL_MS): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}

/** Splits `host:port` (IPv4 or name; the emulators never get IPv6 literals here). */
export function parseHostPort(hostPort: string): { host: string; port: number } {
  const colon = hostPort.lastIndexOf(':');
  const port = Number(hostPort.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65_535) throw new Error(`expected host:port, got "${hostPort}"`);
  return { host: hostPort.slice(0, colon), port };
}
