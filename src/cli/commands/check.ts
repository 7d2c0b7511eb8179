/**
 * `clinsafe check`: the pull-request gate on a local git checkout. The configuration, roster and
 * triggers come from --base; the hazard-log delta compares --base with --head.
 * Exit 0 when no CSO approval is needed, 2 when it is, 1 on error.
 */
import type { Command } from 'commander';
import { diffNameStatusAsync, GitError, gitText, resolveRefs, snapshotsAtCommits, topLevelAndRefs } from '../../adapters/git.js';
import { DEFAULT_SAFETY_DIR, loadFolder } from '../../core/folder.js';
import { checkDecision, evaluateGate, type GateResult } from '../../core/gate.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import type { ParseCache } from '../../core/yaml.js';
import { type CliIO, UsageError } from '../io.js';
import { annotation, chosenFormat, diagnosticAnnotation, formatOption } from '../output-format.js';

interface CheckOptions {
  base: string;
  head?: string;
  label: string[];
  author?: string;
  dir: string;
  format?: string;
}

export const CHECK_FORMATS = ['text', 'markdown', 'json', 'github'] as const;

/**
 * `--format github`: the text report, plus workflow-command annotations — each problem in the
 * pull request's safety folder on its file and line, the gate's errors, and a warning when a CSO
 * must approve.
 */
export function githubReport(r: GateResult, headDiagnostics: Diagnostic[]): string[] {
  const lines = headDiagnostics.map(diagnosticAnnotation);
  for (const e of r.errors) lines.push(annotation('error', e.message, { title: 'clinsafe: the safety gate could not decide' }));
  if (r.requiresApproval && !r.errors.length) {
    const what = [...r.impacted.map((h) => `${h.id} ${h.title}`), ...(r.safetyFolderChanges.length ? ['the safety folder'] : [])];
    lines.push(
      annotation('warning', `CSO approval needed: this change touches ${what.join('; ')}`, { title: 'clinsafe: CSO approval needed' }),
    );
  }
  return lines;
}

/** The JSON printed by `--format json` (more fields than the minimum are allowed). */
export function checkJson(r: GateResult): object {
  return {
    decision: checkDecision(r),
    gateDecision: r.decision,
    impacted: r.impacted.map((h) => ({
      id: h.id,
      title: h.title,
      residualRisk: h.residualRisk,
      reasons: h.reasons.map((x) => ({ kind: x.kind, detail: x.detail })),
    })),
    safetyFolderChanges: r.safetyFolderChanges,
    alwaysImpacted: r.alwaysImpacted,
    hazardLogChanges: r.hazardLogChanges.map((c) => ({ id: c.id, change: c.change, details: c.details })),
    reverify: r.reverify,
    approval: r.approval,
    notes: r.notes,
    errors: r.errors.map((e) => e.message),
  };
}

function textReport(r: GateResult): string[] {
  const lines: string[] = [];
  const head = r.headSha.slice(0, 7);
  if (r.errors.length) {
    lines.push(`✗ the safety gate could not decide for ${head} — treat as blocked:`);
    for (const e of r.errors) lines.push(`  ${e.message}`);
  } else if (!r.requiresApproval) lines.push(`✓ no clinical safety impact at ${head}: no CSO approval needed`);
  else
    lines.push(
      `! CSO approval needed at ${head}: touches ${r.impacted.length} hazard(s)${r.safetyFolderChanges.length ? ' and the safety folder' : ''}`,
    );
  for (const n of r.notes) lines.push(`  note: ${n}`);
  for (const h of r.impacted) {
    lines.push(`  ${h.id}  ${h.title}  (residual risk ${h.residualRisk})`);
    for (const x of h.reasons) lines.push(`      ${x.detail}`);
  }
  if (r.safetyFolderChanges.length) {
    lines.push('  safety folder changed:');
    for (const f of r.safetyFolderChanges) lines.push(`      ${f}`);
  }
  if (r.hazardLogChanges.length) {
    lines.push('  hazard log changes:');
    for (const c of r.hazardLogChanges) {
      lines.push(`      ${c.id} ${c.change}`);
      for (const d of c.details) lines.push(`          ${d.summary}`);
    }
  }
  if (r.reverify.length) {
    lines.push('  evidence to re-check:');
    for (const x of r.reverify) lines.push(`      ${x.hazard} ${x.control}: ${x.evidence} (${x.change})`);
  }
  if (r.requiresApproval && !r.errors.length) {
    const who = r.roster.map((c) => `${c.name} (${c.github})`).join(', ') || 'nobody: the roster is empty';
    lines.push(`  may approve: ${who}`);
  }
  return lines.map((l) => l.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?'));
}

export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('check')
    .description(
      'run the pull-request safety gate on a local git checkout: which hazards a change touches and whether a CSO must approve (exit 0 no, 2 yes, 1 error)',
    )
    .requiredOption('--base <ref>', 'the base of the change (e.g. origin/main); configuration, CSO roster and triggers are read here')
    .option('--head <ref>', 'the head of the change (default: HEAD)')
    .option('--label <name>', 'a pull-request label (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--author <login>', 'the GitHub login of the pull request author', '')
    .option('--dir <dir>', 'the safety folder, relative to the repository root', DEFAULT_SAFETY_DIR)
    .addOption(
      formatOption(
        CHECK_FORMATS,
        'text, markdown, json, or github (text plus workflow-command annotations; the default inside GitHub Actions)',
      ),
    )
    .action(async (opts: CheckOptions) => {
      const format = chosenFormat(io, opts.format, CHECK_FORMATS);
      const refs = [opts.base, opts.head ?? 'HEAD'];
      // The top level and both refs in one git process; when that fails, each is asked on its own to say which.
      const resolved = topLevelAndRefs(io.cwd, refs);
      let root: string;
      try {
        root = resolved?.root ?? gitText(io.cwd, ['rev-parse', '--show-toplevel']).trim();
      } catch {
        throw new UsageError(`${io.cwd} is not inside a git repository; run clinsafe check in a checkout of the product repository`);
      }
      const dir = opts.dir.replace(/^\.\//, '').replace(/\/+$/, '');
      let result: GateResult;
      let headDiagnostics: Diagnostic[] = [];
      try {
        // Each ref resolved once; the diff from the merge base (base...head, as GitHub's
        // pull-request diff) and both commits' listings run as git processes side by side; base
        // and head share read blobs and parsed files.
        const [baseSha, headSha] = (resolved?.shas ?? resolveRefs(root, refs)) as [string, string];
        const blobCache = new Map<string, Buffer>();
        const [changes, [baseSnapshot, headSnapshot]] = await Promise.all([
          diffNameStatusAsync(root, `${baseSha}...${headSha}`),
          snapshotsAtCommits(root, [baseSha, headSha], dir, { blobCache }),
        ]);
        const parseCache: ParseCache = new Map();
        const base = loadFolder(baseSnapshot!, { parseCache });
        const head = loadFolder(headSnapshot!, { parseCache });
        headDiagnostics = head.diagnostics;
        const author = opts.author ?? '';
        result = evaluateGate({ changes, labels: opts.label, author, commitAuthors: [], headSha, base, head, reviews: [], safetyDir: dir });
      } catch (e) {
        if (e instanceof GitError) throw new UsageError(e.message);
        throw e;
      }
      if (format === 'json') io.out(JSON.stringify(checkJson(result), null, 2));
      else if (format === 'markdown') io.out((await import('../../core/gate-comment.js')).renderGateComment(result));
      else {
        if (format === 'github') for (const l of githubReport(result, headDiagnostics)) io.out(l);
        for (const l of textReport(result)) (result.errors.length ? io.err : io.out)(l);
      }
      setExit(result.errors.length ? 1 : result.requiresApproval ? 2 : 0);
    });
}
