/**
 * The parse cache's file format and what a warm load trusts it for (src/adapters/check-cache.ts,
 * format 3): a file whose bytes the cache holds a result for is not decoded unless its text is read
 * (core/text-decode.ts, lazyText); everything else is decoded as before. Real files in real git
 * repositories in temp dirs: a file changed after the cache was written is read again; a cache file
 * of the previous format, a damaged one, or one whose checksum is right but whose framing or
 * entries are not, is a miss (ignored, or the entry parsed again) and the output is what a run
 * without the cache prints; a cache that claims bytes decode as text when they do not makes the
 * load run again with every file decoded, with the same output.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheFileFor, codeDigest, openCheckCache } from '../src/adapters/check-cache.js';
import { decodeText, KnownTextNotText, lazyText } from '../src/core/text-decode.js';
import { runWithCacheReport, visible } from './helpers/cache-run.js';
import { fixtureRepo, REPO_ROOT, type TempRepo } from './helpers/repo.js';

let repo: TempRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

const HAZARDS = 'clinical-safety/hazards';
const validate = (cwd: string, args: string[] = []) => runWithCacheReport('validate', cwd, args);
const cacheFile = (r: TempRepo) => cacheFileFor(join(r.dir, 'clinical-safety'), r.dir, {});

/** The example product with a schema error (its line:col is placed from the file's text) in a git repository. */
function productWithError(): TempRepo {
  const r = fixtureRepo();
  const name = readdirSync(join(r.dir, HAZARDS)).sort()[0]!;
  const path = join(r.dir, HAZARDS, name);
  writeFileSync(path, readFileSync(path, 'utf8').replace(/likelihood: \w+( \w+)?/, 'likelihood: Likely'));
  r.commit('an error');
  return r;
}

const MAGIC_LENGTH = 'clinsafe parse cache\n'.length;
const HEADER = MAGIC_LENGTH + 1 + 32 + 32;

/** A cache file with its body replaced and the checksum made right for it (a file only clinsafe could have damaged so). */
function withBody(file: Buffer, body: Buffer): Buffer {
  const header = Buffer.from(file.subarray(0, HEADER));
  createHash('sha256')
    .update(body)
    .digest()
    .copy(header, MAGIC_LENGTH + 1 + 32);
  return Buffer.concat([header, body]);
}

/** The body's index: entry count, then per entry 64 key bytes, a flag byte, the JSON's length. */
function entriesOf(file: Buffer): { count: number; frames: Buffer; json: Buffer } {
  const body = file.subarray(HEADER);
  const count = body.readUInt32LE(0);
  return { count, frames: body.subarray(4, 4 + count * 69), json: body.subarray(4 + count * 69) };
}

describe('the parse cache, format 3', () => {
  it('a warm run places diagnostics from text it decodes only then; a file changed after the cache was written is read again', async () => {
    repo = productWithError();
    const cold = visible(await validate(repo.dir, ['--no-cache']));
    await validate(repo.dir);
    const warm = await validate(repo.dir);
    expect(warm.cache).toMatch(/ 0 misses, file loaded, not written/);
    expect(visible(warm)).toEqual(cold);
    expect(warm.err).toMatch(/hazards\/[^:]+\.yml:\d+:\d+: .*likelihood/);

    // Bytes changed behind the cache's back: not UTF-8, then a NUL, then the original bytes again.
    const name = readdirSync(join(repo.dir, HAZARDS)).sort()[2]!;
    const path = join(repo.dir, HAZARDS, name);
    const original = readFileSync(path);
    for (const bytes of [
      Buffer.concat([original, Buffer.from([0x0a, 0x23, 0x20, 0xe9, 0x0a])]),
      Buffer.concat([original.subarray(0, 40), Buffer.from([0]), original.subarray(40)]),
      original,
    ]) {
      writeFileSync(path, bytes);
      const changed = await validate(repo.dir);
      expect(visible(changed)).toEqual(visible(await validate(repo.dir, ['--no-cache'])));
      if (bytes !== original) expect(changed.err).toMatch(/not valid UTF-8|NUL byte/);
    }
  });

  it('ignores a cache file of the previous format, and one whose checksum is right but whose framing is not', async () => {
    repo = productWithError();
    const cold = visible(await validate(repo.dir, ['--no-cache']));
    await validate(repo.dir);
    const file = cacheFile(repo);
    const good = readFileSync(file);
    const { count, frames, json } = entriesOf(good);
    const index = (f: Buffer, n = count) => {
      const head = Buffer.alloc(4);
      head.writeUInt32LE(n, 0);
      return Buffer.concat([head, f]);
    };
    const badFlag = Buffer.from(frames);
    badFlag[64] = 7;
    const longer = Buffer.from(frames);
    longer.writeUInt32LE(longer.readUInt32LE(65) + 1, 65);
    const damaged: Record<string, Buffer> = {
      'format 2': Buffer.from(good.map((b, i) => (i === MAGIC_LENGTH ? 2 : b))),
      'a flag that is neither 0 nor 1': withBody(good, Buffer.concat([index(badFlag), json])),
      'an entry longer than the text': withBody(good, Buffer.concat([index(longer), json])),
      'text after the last entry': withBody(good, Buffer.concat([index(frames), json, Buffer.from(' ')])),
      'more entries than the index holds': withBody(good, Buffer.concat([index(frames, count + 1), json])),
    };
    for (const [what, bytes] of Object.entries(damaged)) {
      writeFileSync(file, bytes);
      const r = await validate(repo.dir);
      expect(r.cache, what).toMatch(/ 0 hits, \d+ misses, file ignored, written/);
      expect(visible(r), what).toEqual(cold);
      expect((await validate(repo.dir)).cache, what).toMatch(/ 0 misses, file loaded, not written/);
    }
  });

  it('an entry that is not JSON, or not a result, is a miss: parsed again, the rest still read from the cache', async () => {
    repo = productWithError();
    const cold = visible(await validate(repo.dir, ['--no-cache']));
    const first = await validate(repo.dir);
    const total = Number(/(\d+) misses/.exec(first.cache)![1]);
    const file = cacheFile(repo);
    const good = readFileSync(file);
    const { frames, json } = entriesOf(good);
    const firstLength = frames.readUInt32LE(65);
    const head = Buffer.alloc(4);
    head.writeUInt32LE(entriesOf(good).count, 0);
    for (const [what, entry] of [
      ['not JSON', '{'.repeat(firstLength)],
      ['not a result', JSON.stringify({ parsed: 'yes', diagnostics: [] }).padEnd(firstLength, ' ')],
    ] as const) {
      expect(entry.length, what).toBe(firstLength);
      writeFileSync(file, withBody(good, Buffer.concat([head, frames, Buffer.from(entry, 'latin1'), json.subarray(firstLength)])));
      const r = await validate(repo.dir);
      expect(r.cache, what).toMatch(new RegExp(`^clinsafe cache: ${total - 1} hits, 1 misses, file loaded, written`));
      expect(visible(r), what).toEqual(cold);
    }
  });

  it('a cache that says bytes decode as text when they do not: the load runs again with every file decoded', async () => {
    repo = productWithError();
    const cold = visible(await validate(repo.dir, ['--no-cache']));
    await validate(repo.dir);
    // A hazard file that is not UTF-8, and a cache (right digest, right checksum) holding an entry
    // for its bytes: as only a hand-made cache could.
    const path = join(repo.dir, HAZARDS, 'H-900-latin1.yml');
    const bytes = Buffer.from('id: H-900\ntitle: caf\xe9\n', 'latin1');
    writeFileSync(path, bytes);
    const expected = visible(await validate(repo.dir, ['--no-cache']));
    expect(expected.err).toMatch(/H-900-latin1\.yml:2:11: .*not valid UTF-8/);
    const cache = openCheckCache(cacheFile(repo), codeDigest());
    cache.store.put({ kind: 'incident', schema: 'x', lineOffset: 0, text: '', bytes }, { parsed: false, diagnostics: [] });
    cache.save();
    expect(openCheckCache(cacheFile(repo), codeDigest()).store.knowsText?.(bytes)).toBe(true);
    const r = await validate(repo.dir);
    expect(visible(r)).toEqual(expected);
    expect(visible(r)).not.toEqual(cold);
  });
});

describe('the end of a validate run (cli/exit.ts, finish)', () => {
  it('from the built binary, exits as soon as its output is written: a large report through a pipe arrives whole, with its exit code', async () => {
    repo = productWithError();
    const first = join(repo.dir, HAZARDS, readdirSync(join(repo.dir, HAZARDS)).sort()[0]!);
    const text = readFileSync(first, 'utf8');
    for (let i = 0; i < 300; i++) writeFileSync(join(repo.dir, HAZARDS, `H-${500 + i}-copy.yml`), text);
    const inProcess = await validate(repo.dir, ['--format', 'json', '--no-cache']);
    const bin = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
    const once = (args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const p = spawn(process.execPath, [bin, 'validate', '--format', 'json', ...args], {
          cwd: repo!.dir,
          stdio: ['ignore', 'pipe', 'ignore'],
          env: { ...process.env, GITHUB_ACTIONS: '', CLINSAFE_CACHE_DIR: '' },
        });
        let out = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.on('close', (code) => resolve({ code, out }));
      });
    for (const args of [['--no-cache'], [], []]) {
      const r = await once(args);
      expect(r.out.length, args.join(' ')).toBeGreaterThan(65536);
      expect(r.code, args.join(' ')).toBe(inProcess.code);
      expect(JSON.parse(r.out), args.join(' ')).toEqual(JSON.parse(inProcess.out));
    }
  });
});

describe('lazyText', () => {
  it('decodes on first use as decodeText does, once; bytes that are not text throw KnownTextNotText', () => {
    for (const s of ['plain', '\ufeffwith a mark', '\ufeff\ufefftwo marks', 'caf\u00e9 \u2014 \u{1f600}', '']) {
      const bytes = Buffer.from(s, 'utf8');
      const lazy = lazyText('f.yml', bytes);
      const text = lazy.text;
      expect(text).toBe((decodeText('f.yml', bytes) as { text: string }).text);
      expect(lazy.text).toBe(text);
    }
    for (const bad of [Buffer.from([0x61, 0xe9, 0x62]), Buffer.from([0x61, 0, 0x62])]) {
      expect(() => lazyText('bad.yml', bad).text).toThrow(KnownTextNotText);
    }
  });
});
