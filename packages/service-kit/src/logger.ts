import { pino, type Logger, type LoggerOptions } from 'pino';

export interface LoggerSettings {
  readonly service: string;
  readonly level?: string;
  readonly format?: 'json' | 'pretty' | 'auto';
  /** Where to write; stdout by default (Cloud Run collects it). */
  readonly destination?: NodeJS.WritableStream;
}

/** Paths whose values never reach a log line. */
export const REDACTED_PATHS = [
  'password', '*.password', 'token', '*.token', 'secret', '*.secret', 'apiKey', '*.apiKey',
  'authorization', '*.authorization', 'req.headers.authorization', 'req.headers.cookie', 'headers.authorization',
  '*.privateKey', 'private_key', '*.private_key',
];

const SEVERITY: Record<string, string> = { trace: 'DEBUG', debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR', fatal: 'CRITICAL' };

/**
 * pino in the JSON shape Cloud Logging understands: `severity`, `message`, `time` as
 * ISO, `logging.googleapis.com/trace` from the kit's child loggers. Pretty only on a TTY.
 */
export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    messageKey: 'message',
    base: { service: settings.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    formatters: {
      level: (label) => ({ severity: SEVERITY[label] ?? 'DEFAULT', level: label }),
    },
    serializers: { err: pino.stdSerializers.err },
  };
  const pretty = settings.format === 'pretty' || (settings.format !== 'json' && settings.destination === undefined && process.stdout.isTTY === true);
  if (pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { messageKey: 'message', ignore: 'pid,hostname,severity', translateTime: 'HH:MM:ss.l' } } });
  }
  return settings.destination ? pino(options, settings.destination) : pino(options);
}
