/**
 * @module platform/serve/server
 * Listening on a socket. The one security decision made here: running without authentication is refused unless
 * the server binds to a loopback address, so `--no-auth` can never expose an open endpoint to a network.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { SlingError } from '../../core/errors.ts';

type FetchHandler = (request: Request) => Response | Promise<Response>;

export interface ListenOptions {
  host: string;
  /** 0 = any free port. */
  port: number;
  /** False only with an explicit `--no-auth`. */
  auth: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** True for 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1' || host.startsWith('::ffff:127.');
  return false;
}

export function checkListenSafety(options: ListenOptions): void {
  if (!options.auth && !isLoopback(options.host)) {
    throw new SlingError('unsafe_no_auth', `refusing to serve without authentication on ${options.host}: anyone on the network could use it`, {
      field: 'host',
      hint: 'bind to 127.0.0.1 (the default) or drop --no-auth and create a key with `sling keys create`',
    });
  }
}

export async function listen(fetch: FetchHandler, options: ListenOptions): Promise<RunningServer> {
  checkListenSafety(options);
  const server: ServerType = await new Promise((resolve, reject) => {
    const created = serve({ fetch, hostname: options.host, port: options.port }, () => resolve(created));
    created.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const hostForUrl = isIP(options.host) === 6 ? `[${options.host}]` : options.host;
  return {
    url: `http://${hostForUrl}:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        // Streams still open (a client that never reads) must not keep shutdown waiting forever.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
