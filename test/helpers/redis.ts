/**
 * Debian's `redis-server` on a free loopback port, as a tracked process group (stopped with the
 * file, test/helpers/processes.ts), with no persistence; and a minimal RESP client over a socket
 * to look inside it (no client library needed).
 */
import { connect } from 'node:net';
import { freePort } from './app-server.js';
import { startProcess, stopProcess, type Tracked } from './processes.js';

export type Resp = string | number | null | Resp[];

/** Send one command and read one reply (RESP2). Errors from Redis reject. */
export function redisCommand(port: number, ...args: string[]): Promise<Resp> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    socket.setTimeout(5_000, () => socket.destroy(new Error(`redis on port ${port} did not answer ${args[0]}`)));
    socket.on('error', reject);
    socket.on('connect', () => socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const parsed = parse(buf, 0);
      if (!parsed) return; // wait for more bytes
      socket.end();
      if (parsed.error) reject(new Error(`redis ${args[0]}: ${parsed.error}`));
      else resolve(parsed.value);
    });
  });
}

interface Parsed {
  value: Resp;
  next: number;
  error?: string;
}

function parse(buf: Buffer, at: number): Parsed | undefined {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const line = buf.toString('utf8', at + 1, eol);
  const next = eol + 2;
  switch (String.fromCharCode(buf[at]!)) {
    case '+':
      return { value: line, next };
    case '-':
      return { value: null, next, error: line };
    case ':':
      return { value: Number(line), next };
    case '$': {
      const n = Number(line);
      if (n < 0) return { value: null, next };
      if (buf.length < next + n + 2) return undefined;
      return { value: buf.toString('utf8', next, next + n), next: next + n + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, next };
      const items: Resp[] = [];
      let pos = next;
      for (let i = 0; i < n; i++) {
        const p = parse(buf, pos);
        if (!p) return undefined;
        if (p.error) return p;
        items.push(p.value);
        pos = p.next;
      }
      return { value: items, next: pos };
    }
    default:
      return { value: null, next, error: `unexpected reply ${JSON.stringify(line)}` };
  }
}

export interface RunningRedis {
  port: number;
  url: string;
  process: Tracked;
  command(...args: string[]): Promise<Resp>;
  stop(): Promise<void>;
}

/** Start redis-server and wait until it answers PING. */
export async function startRedis(): Promise<RunningRedis> {
  const port = await freePort();
  const proc = startProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  const command = (...args: string[]) => redisCommand(port, ...args);
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      if ((await command('PING')) === 'PONG') break;
    } catch (e) {
      if (Date.now() > deadline || proc.child.exitCode !== null) {
        await stopProcess(proc);
        throw new Error(`redis-server did not start on port ${port}: ${(e as Error).message}\n${proc.output()}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { port, url: `redis://127.0.0.1:${port}`, process: proc, command, stop: () => stopProcess(proc) };
}
