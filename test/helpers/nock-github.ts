/**
 * GitHub's real hosts answered through nock: api.github.com and uploads.github.com are routed to
 * a MockGitHub's route table (no server), so handler tests exercise the URLs the app uses in
 * production — release assets go to the uploads host, as GitHub requires.
 */
import { isUtf8 } from 'node:buffer';
import nock from 'nock';
import { MockGitHub } from './mock-github.js';

export const API = 'https://api.github.com';
export const UPLOADS = 'https://uploads.github.com';

/** nock hands a binary request body over as hex, a text one as text. */
function bodyBytes(body: unknown): Buffer {
  if (body === undefined || body === null || body === '') return Buffer.alloc(0);
  if (typeof body !== 'string') return Buffer.from(JSON.stringify(body), 'utf8');
  if (/^(?:[0-9a-f]{2})+$/.test(body)) {
    const raw = Buffer.from(body, 'hex');
    if (!isUtf8(raw)) return raw;
  }
  return Buffer.from(body, 'utf8');
}

export interface NockedGitHub {
  github: MockGitHub;
  /** Requests that reached the uploads host. */
  uploads: string[];
  done(): void;
}

export function nockGitHub(github = new MockGitHub()): NockedGitHub {
  github.baseUrl = API;
  github.uploadsUrl = UPLOADS;
  const uploads: string[] = [];
  const route = (host: string, prefix: string) => {
    for (const method of ['GET', 'POST', 'PATCH', 'PUT', 'DELETE']) {
      nock(host)
        .persist()
        .intercept(/.*/, method)
        .reply(function (uri, body) {
          if (prefix) uploads.push(`${method} ${host}${uri}`);
          const out = github.dispatch(method, `${prefix}${uri}`, bodyBytes(body), String(this.req.headers['content-type'] ?? ''));
          return [out.status, out.body, out.headers];
        });
    }
  };
  nock.disableNetConnect();
  route(API, '');
  route(UPLOADS, '/uploads');
  return {
    github,
    uploads,
    done() {
      nock.cleanAll();
      nock.enableNetConnect();
    },
  };
}
