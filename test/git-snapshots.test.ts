/**
 * `clinsafe check` on git before 2.36 reads base and head with git processes side by side
 * (snapshotsAtCommits): the same facts as the one-at-a-time reads.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { snapshotAtCommit, snapshotsAtCommits } from '../src/adapters/git.js';
import type { Snapshot } from '../src/core/folder.js';
import { fixtureRepo, type TempRepo } from './helpers/repo.js';

let repo: TempRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

const facts = (s: Snapshot, probes: string[]) => ({
  dir: s.dir,
  files: s.files.map((f) => ({ ...f, bytes: f.bytes && Buffer.from(f.bytes).toString('base64') })),
  exists: probes.map((p) => [p, s.exists(p)]),
});

describe('reading base and head side by side', () => {
  it('gives the same snapshots as reading each commit on its own, sharing the blob cache', async () => {
    repo = fixtureRepo();
    const base = repo.git('rev-parse', 'HEAD').trim();
    const hazard = 'clinical-safety/hazards/H-001-wrong-patient-record.yml';
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write(hazard, repo.git('show', `HEAD:${hazard}`).replace(/^title: .*$/m, 'title: Re-worded'));
    repo.write('src/new-evidence.ts', 'export {};\n');
    repo.write('clinical-safety/hazards/notes.txt', 'stray\n');
    const head = repo.commit('edit');
    const probes = ['src/new-evidence.ts', 'src', 'src/', 'clinical-safety/hazards', 'nope.ts', hazard];

    const blobCache = new Map<string, Buffer>();
    const [b, h] = await snapshotsAtCommits(repo.dir, [base, head], 'clinical-safety/', { blobCache });
    expect(facts(b!, probes)).toEqual(facts(snapshotAtCommit(repo.dir, base, 'clinical-safety'), probes));
    expect(facts(h!, probes)).toEqual(facts(snapshotAtCommit(repo.dir, head, 'clinical-safety'), probes));
    expect(h!.exists('src/new-evidence.ts')).toBe(true);
    expect(b!.exists('src/new-evidence.ts')).toBe(false);
    // Unchanged blobs read once for both commits.
    const distinct = new Set([...b!.files, ...h!.files].map((f) => f.sha).filter(Boolean));
    expect(blobCache.size).toBe(distinct.size);
  });

  it('answers whether a path exists the same by searching the listing and, past 64 distinct paths, from the set of names', async () => {
    repo = fixtureRepo();
    const files = Array.from({ length: 150 }, (_, i) => `src/m${i % 7}/f${i}.ts`);
    for (const f of files) repo.write(f, `// ${f}\n`);
    const head = repo.commit('many files');
    // Files, folders, near misses (prefixes, suffixes, a trailing slash, an empty path), each asked twice.
    const probes = [...files.slice(0, 90), 'src/m1', 'src/m1/', 'src/m', 'src/m1/f1', 'rc/m1/f1.ts', 'src/m1/f1.tsx', '', 'nope'];
    const twice = [...probes, ...probes];
    const [s] = await snapshotsAtCommits(repo.dir, [head], 'clinical-safety');
    const reference = snapshotAtCommit(repo.dir, head, 'clinical-safety');
    expect(twice.map((p) => [p, s!.exists(p)])).toEqual(twice.map((p) => [p, reference.exists(p)]));
    expect(s!.exists('src/m1/f1.ts')).toBe(true);
    expect(s!.exists('src/m1/f1')).toBe(false);
  });
});
