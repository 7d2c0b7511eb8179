/**
 * Each file version is parsed once per run: loads that share a blob (base and head of a change,
 * the commits of a change record) share its parse, and diagnostics still name each load's own path
 * with the same line:col as a fresh parse.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { diffAgainstParents, diffNameStatus, resolveRefs, snapshotAtCommit } from '../src/adapters/git.js';
import { loadFolder, type Snapshot } from '../src/core/folder.js';
import { parseYaml, parseYamlCached, type ParseCache } from '../src/core/yaml.js';
import { fixtureRepo, type TempRepo } from './helpers/repo.js';

let repo: TempRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

describe('parse cache keyed by blob SHA', () => {
  it('re-stamps the file name and keeps line:col for the same content under another path', () => {
    const cache: ParseCache = new Map();
    const text = 'id: H-001\ntitle: x\ntitle: y\n';
    const first = parseYamlCached(cache, 'abc', 'a/H-001.yml', text);
    const second = parseYamlCached(cache, 'abc', 'b/H-001-renamed.yml', text);
    expect(cache.size).toBe(1);
    expect(first.diagnostics).toEqual(parseYaml('a/H-001.yml', text).diagnostics);
    expect(second.diagnostics).toEqual(parseYaml('b/H-001-renamed.yml', text).diagnostics);
    expect(second.diagnostics[0]).toMatchObject({ file: 'b/H-001-renamed.yml', line: 3, col: 1 });
  });

  it('base and head of a change parse only the blobs that differ, with the same results as uncached loads', () => {
    repo = fixtureRepo();
    const base = repo.git('rev-parse', 'HEAD').trim();
    const hazard = 'clinical-safety/hazards/H-001-wrong-patient-record.yml';
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write(hazard, `${repo.git('show', `HEAD:${hazard}`).replace(/^title: .*$/m, 'title: Re-worded')}`);
    const head = repo.commit('reword H-001');
    expect(resolveRefs(repo.dir, ['main', 'feature'])).toEqual([base, head]);

    const cache: ParseCache = new Map();
    const blobCache = new Map<string, Buffer>();
    const snapBase = snapshotAtCommit(repo.dir, base, 'clinical-safety', { blobCache });
    const snapHead = snapshotAtCommit(repo.dir, head, 'clinical-safety', { blobCache });
    const yamlFiles = (s: Snapshot) => s.files.filter((f) => /\.(ya?ml|md)$/.test(f.path) && !f.path.includes('/templates/'));
    const cachedBase = loadFolder(snapBase, { parseCache: cache });
    const afterBase = cache.size;
    const cachedHead = loadFolder(snapHead, { parseCache: cache });
    expect(afterBase).toBeGreaterThanOrEqual(yamlFiles(snapBase).length - 1);
    expect(cache.size).toBe(afterBase + 1); // only the edited hazard is parsed again
    expect(cachedBase).toEqual(loadFolder(snapBase));
    expect(cachedHead).toEqual(loadFolder(snapHead));
    expect(cachedHead.folder!.hazards.find((h) => h.id === 'H-001')!.title).toBe('Re-worded');
    // Each file carries the SHA git gives its content.
    const f = snapHead.files.find((x) => x.path === hazard)!;
    expect(f.sha).toBe(repo.git('rev-parse', `${head}:${hazard}`).trim());
  });

  it('evidence paths are checked against the whole tree of the commit, files and folders', () => {
    repo = fixtureRepo();
    const sha = repo.git('rev-parse', 'HEAD').trim();
    const snap = snapshotAtCommit(repo.dir, sha, 'clinical-safety');
    expect(snap.exists('clinical-safety/clinsafe.yml')).toBe(true);
    expect(snap.exists('clinical-safety/')).toBe(true);
    expect(snap.exists('clinical-safety/hazards')).toBe(true);
    expect(snap.exists('no/such/file.ts')).toBe(false);
  });

  it('a bad ref is named on its own', () => {
    repo = fixtureRepo();
    expect(() => resolveRefs(repo!.dir, ['main', 'no-such-branch'])).toThrow(/"no-such-branch" is not a commit/);
  });
});

describe('change lists from git in one process', () => {
  it('diffAgainstParents gives each commit the same files as a diff against its parent, renames and empty commits included', () => {
    repo = fixtureRepo();
    const c1 = repo.git('rev-parse', 'HEAD').trim();
    repo.write('src/a b.ts', 'x\n');
    repo.write('docs/new.md', 'y\n');
    const c2 = repo.commit('two files');
    repo.git('mv', 'src/a b.ts', 'src/renamed.ts');
    const c3 = repo.commit('rename');
    const c4 = repo.commit('empty');
    const pairs = [
      { commit: c2, parent: c1 },
      { commit: c3, parent: c2 },
      { commit: c4, parent: c3 },
    ];
    const many = diffAgainstParents(repo.dir, pairs);
    for (const p of pairs) expect(many.get(p.commit)).toEqual(diffNameStatus(repo.dir, p.parent, p.commit));
    expect(many.get(c3)).toEqual([{ status: 'renamed', filename: 'src/renamed.ts', previousFilename: 'src/a b.ts' }]);
    expect(many.get(c4)).toEqual([]);
    expect(
      many
        .get(c2)!
        .map((f) => f.filename)
        .sort(),
    ).toEqual(['docs/new.md', 'src/a b.ts']);
  });
});
