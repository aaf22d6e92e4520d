import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@yeet/platform';

export type LogLine = Record<string, unknown> & { level: string; msg: string };

/** A real logger whose JSON lines are kept, parsed, for a test to read (levels by name). */
export function captureLogs(level = 'info'): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as LogLine);
      done();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}
