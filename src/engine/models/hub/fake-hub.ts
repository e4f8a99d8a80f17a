/**
 * @module engine/models/hub/fake-hub
 * Test helper: a local HTTP server (127.0.0.1) that answers like the Hugging Face Hub for one repository:
 * the revision API, `resolve` URLs (LFS files as 302 redirects carrying X-Linked-Etag / X-Linked-Size, small
 * files served directly with an ETag), Range requests, plus switches to cut a download short, corrupt a
 * file, or require a Bearer token.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeHubOptions {
  repoId: string;
  commit: string;
  files: Record<string, Buffer>;
  /** Files served through LFS (sha256 etag, redirect to a CDN path). */
  lfs: (file: string) => boolean;
}

export interface FakeHub {
  endpoint: string;
  requests: { method: string; url: string; range?: string; authorization?: string }[];
  /** Cut the next GET of this file after this many bytes. */
  cutNext?: { file: string; after: number };
  /** Serve these bytes instead of the real content (the announced sha256 stays the real one). */
  corrupt?: { file: string; bytes: Buffer };
  requiredToken?: string;
  close(): Promise<void>;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const gitSha = (bytes: Buffer) => createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');

export async function startFakeHub(options: FakeHubOptions): Promise<FakeHub> {
  const hub: FakeHub = { endpoint: '', requests: [], close: async () => {} };
  const serveBytes = (request: IncomingMessage, response: ServerResponse, file: string, headers: Record<string, string>) => {
    const bytes = hub.corrupt?.file === file ? hub.corrupt.bytes : options.files[file];
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    response.writeHead(range ? 206 : 200, { ...headers, 'Content-Length': String(bytes.length - start), ...(range ? { 'Content-Range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}) });
    if (request.method === 'HEAD') return response.end();
    if (hub.cutNext?.file === file) {
      const cut = hub.cutNext.after;
      hub.cutNext = undefined;
      response.write(bytes.subarray(start, cut), () => setTimeout(() => response.socket?.destroy(), 20));
      return;
    }
    response.end(bytes.subarray(start));
  };
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    hub.requests.push({ method: request.method ?? 'GET', url: url.pathname + url.search, range: request.headers.range, authorization: request.headers.authorization });
    if (hub.requiredToken && request.headers.authorization !== `Bearer ${hub.requiredToken}` && !url.pathname.startsWith('/cdn/')) {
      response.writeHead(401).end('unauthorized');
      return;
    }
    const apiPrefix = `/api/models/${options.repoId}/revision/`;
    if (url.pathname.startsWith(apiPrefix)) {
      const siblings = Object.entries(options.files).map(([rfilename, bytes]) => ({
        rfilename, size: bytes.length, blobId: gitSha(bytes), ...(options.lfs(rfilename) ? { lfs: { sha256: sha256(bytes), size: bytes.length, pointerSize: 134 } } : {}),
      }));
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ id: options.repoId, sha: options.commit, siblings }));
      return;
    }
    const resolvePrefix = `/${options.repoId}/resolve/${options.commit}/`;
    if (url.pathname.startsWith(resolvePrefix)) {
      const file = decodeURIComponent(url.pathname.slice(resolvePrefix.length));
      const bytes = options.files[file];
      if (!bytes) return void response.writeHead(404).end('not found');
      const common = { 'X-Repo-Commit': options.commit };
      if (options.lfs(file)) {
        response.writeHead(302, { ...common, Location: `/cdn/${file}`, 'X-Linked-Etag': `"${sha256(bytes)}"`, 'X-Linked-Size': String(bytes.length), ETag: `"${gitSha(bytes)}"` }).end();
        return;
      }
      return serveBytes(request, response, file, { ...common, ETag: `"${gitSha(bytes)}"` });
    }
    if (url.pathname.startsWith('/cdn/')) return serveBytes(request, response, decodeURIComponent(url.pathname.slice(5)), {});
    response.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hub.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  hub.close = () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return hub;
}
