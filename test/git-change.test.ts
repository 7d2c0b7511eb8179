/**
 * `clinsafe check` reads a change through one `git cat-file --batch-command` and one `git diff`
 * (src/adapters/git-change.ts), walking trees itself: the same facts as `git ls-tree` listings
 * (snapshotAtCommit), for the awkward entries too — symbolic links, submodules, files over the size
 * limit, executable files, names with spaces and non-ASCII letters — and the same answers to
 * "does this path exist" as a listing of the whole tree, without making one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readableByObjects, readChange } from '../src/adapters/git-change.js';
import { diffNameStatus, GitError, resolveRef, snapshotAtCommit } from '../src/adapters/git.js';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureRepo, tempDir, type TempRepo } from './helpers/repo.js';
import { run } from '../src/cli/program.js';

let repo: TempRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

const b64 = (files: { path: string; bytes?: Uint8Array }[]) =>
  files.map((f) => ({ ...f, bytes: f.bytes && Buffer.from(f.bytes).toString('base64') }));

/** A change whose folder holds every kind of entry, and evidence paths of every kind around it. */
function awkwardChange(r: TempRepo): { base: string; head: string } {
  const base = r.git('rev-parse', 'HEAD').trim();
  r.git('checkout', '-q', '-b', 'feature');
  const hazard = 'clinical-safety/hazards/H-001-wrong-patient-record.yml';
  r.write(hazard, r.git('show', `HEAD:${hazard}`).replace(/^title: .*$/m, 'title: Re-worded'));
  r.write('clinical-safety/hazards/notes with spaces.txt', 'stray\n');
  r.write('clinical-safety/évidence/über.md', 'ü\n');
  r.write('clinical-safety/big.bin', 'x'.repeat(1024 * 1024 + 1));
  r.write('clinical-safety/run.sh', '#!/bin/sh\n');
  r.git('update-index', '--add', '--chmod=+x', 'clinical-safety/run.sh');
  r.write('src/deep/a/b/c.ts', 'export {};\n');
  r.git('add', '-A');
  r.git('update-index', '--add', '--cacheinfo', `120000,${r.git('hash-object', '-w', '--stdin').trim()},clinical-safety/link.yml`);
  r.git('update-index', '--add', '--cacheinfo', `160000,${base},clinical-safety/sub`);
  r.git('update-index', '--add', '--cacheinfo', `160000,${base},vendor/sub`);
  r.git('update-index', '--add', '--cacheinfo', `120000,${r.git('hash-object', '-w', '--stdin').trim()},src/to-deep`);
  r.git('commit', '-q', '-m', 'awkward');
  return { base, head: r.git('rev-parse', 'HEAD').trim() };
}

describe('reading a change through one cat-file process', () => {
  it('gives the folders, the diff and path answers that the listings give', async () => {
    repo = fixtureRepo();
    const { base, head } = awkwardChange(repo);
    const c = await readChange(repo.dir, ['main', 'feature'], 'clinical-safety');
    try {
      expect(c.shas).toEqual([base, head]);
      expect(c.changes).toEqual(diffNameStatus(repo.dir, `${base}...${head}`));
      const probes = [
        'src',
        'src/deep/a/b/c.ts',
        'src/deep/a/b',
        'src/deep/a/b/c',
        'src/deep/a/b/c.ts/x',
        'src/to-deep',
        'src/to-deep/c.ts',
        'vendor/sub',
        'vendor/sub/README.md',
        'clinical-safety/sub',
        'clinical-safety/évidence/über.md',
        'clinical-safety/hazards/notes with spaces.txt',
        'clinical-safety',
        'clinical-safety//hazards',
        './src',
        'src/./deep',
        '',
        'nope',
      ];
      for (const [i, sha] of [base, head].entries()) {
        const listed = snapshotAtCommit(repo.dir, sha, 'clinical-safety');
        expect(b64(c.folders[i]!.files)).toEqual(b64(listed.files));
        expect(await c.pathsExist(i as 0 | 1, probes)).toEqual(probes.map((p) => listed.exists(p)));
      }
      const kinds = c.folders[1].files.filter((f) => f.problem).map((f) => [f.path, f.problem, f.detail]);
      expect(kinds).toEqual([
        ['clinical-safety/big.bin', 'too-large', expect.any(String)],
        ['clinical-safety/link.yml', 'not-a-file', 'symbolic link'],
        ['clinical-safety/sub', 'not-a-file', undefined],
      ]);
      expect(await c.pathsExist(1, ['src/deep/a/b/c.ts', 'vendor/sub', 'src/to-deep/c.ts'])).toEqual([true, true, false]);
      expect(await c.pathsExist(0, ['src/deep/a/b/c.ts'])).toEqual([false]);
    } finally {
      c.close();
    }
  });

  it('gives an empty folder when the folder is missing, a file or a submodule at a commit', async () => {
    repo = fixtureRepo();
    const { head } = awkwardChange(repo);
    for (const dir of ['no-such-folder', 'clinical-safety/run.sh', 'clinical-safety/sub', 'vendor/sub']) {
      const c = await readChange(repo.dir, ['main', 'feature'], dir);
      c.close();
      expect(c.folders[1].files).toEqual(snapshotAtCommit(repo.dir, head, dir).files);
      expect(c.folders[1].files).toEqual([]);
    }
  });

  it('names a ref that is not a commit as rev-parse did, and ends its git process', async () => {
    repo = fixtureRepo();
    const tree = repo.git('rev-parse', 'HEAD^{tree}').trim();
    for (const refs of [
      ['main', 'no-such-branch'],
      ['nope', 'main'],
      [tree, 'main'],
    ] as [string, string][]) {
      const bad = refs[0] === 'main' ? refs[1] : refs[0];
      let expected: unknown;
      try {
        resolveRef(repo.dir, bad);
      } catch (e) {
        expected = e;
      }
      await expect(readChange(repo.dir, refs, 'clinical-safety')).rejects.toThrow(new GitError((expected as Error).message));
    }
  });

  it('is used only for plain folders and refs (the rest is read with the listings, as before)', () => {
    expect(readableByObjects(['main', 'HEAD~1'], 'clinical-safety')).toBe(true);
    expect(readableByObjects(['main', 'HEAD'], 'a/b')).toBe(true);
    for (const dir of ['.', 'a/./b', 'a//b', '../x', '', 'a\nb']) expect(readableByObjects(['main', 'HEAD'], dir)).toBe(false);
    for (const ref of ['--all', 'a\nb', '']) expect(readableByObjects([ref, 'HEAD'], 'clinical-safety')).toBe(false);
  });
});

describe('clinsafe check with evidence asked of git', () => {
  it('reports evidence that is missing at head (and only there), and not evidence that exists', async () => {
    repo = fixtureRepo();
    const run1 = async () => {
      const out: string[] = [];
      const code = await run(['check', '--base', 'main', '--format', 'github', '--no-cache'], {
        out: (t) => out.push(t),
        err: (t) => out.push(t),
        cwd: repo!.dir,
      });
      return { code, text: out.join('\n') };
    };
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write('docs/notes.md', 'hello\n');
    repo.commit('docs');
    const fine = await run1();
    expect(fine.code).toBe(0);
    expect(fine.text).not.toContain('evidence-missing');
    expect(fine.text).not.toContain('does not exist');
    repo.git('rm', '-q', 'test/patient-banner.spec.ts');
    repo.commit('drop evidence');
    const r = await run1();
    expect(r.text).toMatch(
      /::error file=clinical-safety\/hazards\/H-001[^:]*,line=\d+,col=\d+.*evidence "test\/patient-banner\.spec\.ts" does not exist/,
    );
    const located = r.text.split('\n').filter((l) => l.startsWith('::error file='));
    expect(located).toHaveLength(2);
    expect(located[1]).toMatch(/line=\d+,col=\d+.*control H-001-C03: test file "test\/patient-banner\.spec\.ts" does not exist/);
    expect(r.code).toBe(1);
  });

  it('reports evidence missing at base only (the folder unchanged) as a base error, not head’s', async () => {
    repo = fixtureRepo();
    const spec = repo.git('show', 'HEAD:test/patient-banner.spec.ts');
    repo.git('rm', '-q', 'test/patient-banner.spec.ts');
    repo.commit('base without the evidence');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write('test/patient-banner.spec.ts', spec);
    repo.commit('evidence back');
    const out: string[] = [];
    const code = await run(['check', '--base', 'main', '--format', 'text'], {
      out: (t) => out.push(t),
      err: (t) => out.push(t),
      cwd: repo.dir,
    });
    expect(code).toBe(2);
    expect(out.join('\n')).toMatch(
      /^! CSO approval needed at [0-9a-f]{7}: touches 0 hazard\(s\)\n {2}note: The safety folder on the base branch has 2 errors \(first: clinical-safety\/hazards\/H-001[^:]*:53:9: evidence "test\/patient-banner\.spec\.ts" does not exist/,
    );
  });

  it('reports evidence missing at both commits (the folder unchanged) once, as the base’s errors', async () => {
    repo = fixtureRepo();
    repo.git('rm', '-q', 'test/patient-banner.spec.ts');
    repo.commit('base without the evidence');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write('src/patient/new.ts', 'export {};\n');
    repo.commit('touch a hazard');
    const out: string[] = [];
    const code = await run(['check', '--base', 'main', '--format', 'github'], {
      out: (t) => out.push(t),
      err: (t) => out.push(t),
      cwd: repo.dir,
    });
    expect(code).toBe(2);
    const text = out.join('\n');
    expect(text).toContain('note: The safety folder on the base branch has 2 errors');
    expect(text).toContain('src/patient/new.ts matches src/patient/**');
    // Head's folder is base's: its problems are annotated on their lines, and they do not block (exit 2, not 1).
    expect(text.split('\n').filter((l) => l.startsWith('::error file=clinical-safety/hazards/H-001'))).toHaveLength(2);
    expect(text).not.toContain('could not decide');
  });

  it('prints the same through the listings (git before 2.36, or GIT_ICASE_PATHSPECS set) as through cat-file', async () => {
    repo = fixtureRepo();
    awkwardChange(repo);
    repo.git('rm', '-q', 'test/patient-banner.spec.ts');
    repo.write('src/patient/banner.ts', 'export const x = 1;\n');
    repo.commit('drop evidence, touch a hazard');
    const bin = tempDir('clinsafe-old-git-');
    const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    // A git that has no `cat-file --batch-command`, as git 2.35 answers it.
    writeFileSync(
      join(bin, 'git'),
      `#!/bin/sh\nif [ "$1" = cat-file ] && [ "$2" = --batch-command ]; then echo "error: unknown option \\\`batch-command'" >&2; exit 129; fi\nexec ${real} "$@"\n`,
      { mode: 0o755 },
    );
    const saved = { PATH: process.env.PATH, ICASE: process.env.GIT_ICASE_PATHSPECS };
    const all = async () => {
      const outs: string[] = [];
      for (const format of ['json', 'text', 'markdown', 'github']) {
        const out: string[] = [];
        const code = await run(['check', '--base', 'main', '--format', format, '--no-cache'], {
          out: (t) => out.push(t),
          err: (t) => out.push(`err: ${t}`),
          cwd: repo!.dir,
        });
        outs.push(`${code}\n${out.join('\n')}`);
      }
      return outs;
    };
    try {
      const objects = await all();
      expect(objects[0]).toMatch(/^1\n/);
      process.env.PATH = `${bin}:${process.env.PATH}`;
      expect(await all()).toEqual(objects);
      process.env.PATH = saved.PATH;
      process.env.GIT_ICASE_PATHSPECS = '0';
      expect(await all()).toEqual(objects);
    } finally {
      process.env.PATH = saved.PATH;
      if (saved.ICASE === undefined) delete process.env.GIT_ICASE_PATHSPECS;
      else process.env.GIT_ICASE_PATHSPECS = saved.ICASE;
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
