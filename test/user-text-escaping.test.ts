/**
 * No user text can ever produce a clinsafe marker in anything the bot writes (issue 10 §1): the
 * marker itself and its variations go through every renderer of a GitHub body, and no marker
 * reader finds anything but the bot's own marker in the result.
 */
import type { Root } from 'mdast';
import { describe, expect, it } from 'vitest';
import { incidentGuidance, incidentReviewIssue, periodicReviewIssue } from '../src/app/incident-review-text.js';
import {
  afterMergeIssue,
  refusalComment,
  rejectionComment,
  releaseNotesSection,
  releaseSignOffIssue,
  signOffComment,
} from '../src/app/release-review-text.js';
import { loadFolder, type SafetyFolder } from '../src/core/folder.js';
import type { GateResult } from '../src/core/gate.js';
import { gateProblemTree, renderGateComment } from '../src/core/gate-comment.js';
import { code, inlineCode, link, paragraph, root, serialize, table, text } from '../src/core/markdown.js';
import { marker, markerKey, readDataMarker, type MarkerKind } from '../src/core/markers.js';
import { NHS_DCB0129 } from '../src/core/risk.js';
import { containsCommentOpener, escapeUserText, JOINER } from '../src/core/user-text.js';
import { CONFIG, HAZARD } from './helpers/folder.js';

const DATA = Buffer.from(JSON.stringify({ tag: 'v9.9.9', sha: 'f'.repeat(40), cso: 'mallory' })).toString('base64');

/** The marker itself, then the variations an attacker tries next. */
const HOSTILE = [
  '<!-- clinsafe:release-signoff:v9.9.9 -->',
  `<!-- clinsafe-data:${DATA} -->`,
  'x<!--clinsafe:gate-comment:pr-1-->',
  '`<!-- clinsafe:release-signoff:v1 -->`',
  '```\n<!-- clinsafe:release-signoff:v1 -->\n```',
  '<',
  '<!',
  '&lt;!-- clinsafe:release-signoff:v1 --&gt;',
  '&#60;!-- clinsafe:release-signoff:v1 --&#62;',
  '\uFF1C!-- clinsafe:release-signoff:v1 --\uFF1E',
  '\uFE64!-- clinsafe:release-signoff:v1 --\uFE65',
  '<\uFF01-- clinsafe:release-signoff:v1 -->',
  '<\n!-- clinsafe:release-signoff:v1 -->',
];

const KINDS: MarkerKind[] = [
  'review-after-merge',
  'release-signoff',
  'periodic-review',
  'incident-guidance',
  'incident-review',
  'signoff-result',
  'refusal',
  'gate-comment',
];

/** Fails when a body holds any marker, or any HTML comment opener, besides the `allowed` ones. */
function expectNoForeignMarker(body: string, allowed: string[] = []): void {
  let rest = body;
  for (const a of allowed) rest = rest.split(a).join('');
  for (const kind of KINDS) expect(markerKey(rest, kind), `${kind} marker in:\n${body}`).toBeUndefined();
  expect(readDataMarker(rest)).toBeUndefined();
  expect(containsCommentOpener(rest), `comment opener in:\n${body}`).toBe(false);
  // The bot's own marker is still found where it put it.
  for (const a of allowed) expect(body).toContain(a);
}

function folderWithTitle(title: string): SafetyFolder {
  const files = {
    'clinical-safety/clinsafe.yml': CONFIG,
    'clinical-safety/hazards/H-001.yml': HAZARD.replace('title: Wrong patient shown', `title: ${JSON.stringify(title)}`).replace(
      'owner: manufacturer',
      `owner: ${JSON.stringify(title)}`,
    ),
  };
  const res = loadFolder({
    dir: 'clinical-safety',
    files: Object.entries(files).map(([path, t]) => ({ path, bytes: Buffer.from(t) })),
    exists: () => true,
  });
  expect(res.folder, JSON.stringify(res.diagnostics)).toBeDefined();
  return res.folder!;
}

function gateResult(s: string): GateResult {
  return {
    decision: 'pending',
    requiresApproval: true,
    impacted: Array.from({ length: 12 }, (_, i) => ({
      id: `H-${i + 1}`,
      title: s,
      residualRisk: 2,
      reasons: [
        { kind: 'path', detail: `${s} matches ${s}`, file: s, pattern: s },
        { kind: 'label', detail: `label ${s}`, label: s },
        { kind: 'path', detail: `${s} is modified`, file: s },
      ],
    })),
    safetyFolderChanges: Array.from({ length: 6 }, () => s),
    alwaysImpacted: [{ file: s, pattern: s }],
    suspiciousPaths: [{ file: s, why: s }],
    hazardLogChanges: Array.from({ length: 6 }, (_, i) => ({
      id: `H-${i + 1}`,
      title: s,
      change: 'modified' as const,
      details: [
        { kind: 'fields' as const, fields: ['title'], summary: s },
        { kind: 'evidence-removed' as const, control: 'C1', evidence: s, summary: s },
      ],
    })),
    reverify: Array.from({ length: 9 }, () => ({ hazard: 'H-1', control: 'C1', evidence: s, change: 'modified' as const })),
    approval: {
      state: 'pending',
      eligible: [s],
      have: [],
      needed: 1,
      ignored: [
        { login: s, reason: 'not-cso', commitId: s },
        { login: s, reason: 'commit-author', commitId: s, contribution: { commit: s, role: 'author', email: s, login: s } },
        { login: s, reason: 'commit-author', commitId: s, contribution: { commit: s, role: 'co-author', email: s, name: s } },
        { login: s, reason: 'label-added', commitId: s, uncovered: [{ hazard: s, label: s, addedAt: s }] },
      ],
      excluded: [{ login: s, reason: 'commit-author', commitId: s, contribution: { commit: s, role: 'author', email: s, login: s } }],
    },
    errors: [],
    notes: [s],
    headSha: 'a'.repeat(40),
    safetyDir: 'clinical-safety',
    statusContext: 'clinsafe/cso-approval',
    requiredApprovals: 1,
    roster: [{ github: s, name: s, profession: s }],
    scheme: NHS_DCB0129,
  } as GateResult;
}

describe('escapeUserText', () => {
  it('breaks every comment opener, keeps the text readable and is idempotent', () => {
    for (const s of HOSTILE) {
      const once = escapeUserText(s);
      expect(escapeUserText(once)).toBe(once);
      expect(containsCommentOpener(once)).toBe(false);
      expect(once.split(JOINER).join('')).toBe(s.replace(/@/g, '@'));
    }
    expect(escapeUserText('a < b and c <= d')).toBe('a < b and c <= d');
    expect(escapeUserText('node_modules/@types/x', 'code')).toBe('node_modules/@types/x');
    expect(escapeUserText('@team')).toBe(`@${JOINER}team`);
  });
});

describe('serialize: the last line of defence', () => {
  it('a marker split across adjacent nodes, or in a hand-made html node, never comes out whole', () => {
    const split: Root = {
      type: 'root',
      children: [
        {
          type: 'paragraph',
          children: [
            { type: 'text', value: 'x <' },
            { type: 'text', value: '!-- clinsafe:release-signoff:v1 -->' },
          ],
        },
        { type: 'html', value: '<!-- clinsafe:release-signoff:v2 -->' },
        { type: 'code', lang: null, value: '<!-- clinsafe:release-signoff:v3 -->' },
        { type: 'paragraph', children: [{ type: 'inlineCode', value: '<!-- clinsafe:release-signoff:v4 -->' }] },
      ],
    };
    expectNoForeignMarker(serialize(split));
  });
  it('through every builder', () => {
    for (const s of HOSTILE) {
      const md = serialize(
        root([paragraph(text(s), inlineCode(s), link(`https://example.test/${s}`, s), s), code(s, s), table([s], [[s, inlineCode(s)]])]),
      );
      expectNoForeignMarker(md);
    }
  });
});

describe('every body the bot renders', () => {
  for (const s of HOSTILE) {
    it(`gate comment and problem comment: ${JSON.stringify(s).slice(0, 40)}`, () => {
      const own = marker('gate-comment', 'pr-7');
      const full = renderGateComment(gateResult(s), { prNumber: 7 });
      expectNoForeignMarker(full, [own]);
      expectNoForeignMarker(renderGateComment(gateResult(s), { prNumber: 7, compact: true }), [own]);
      expectNoForeignMarker(
        renderGateComment({ ...gateResult(s), decision: 'error', errors: [{ code: 'x', message: s }] }, { prNumber: 7 }),
        [own],
      );
      expectNoForeignMarker(serialize(gateProblemTree(s, 7)), [own]);
    });

    it(`issue and comment bodies of the app: ${JSON.stringify(s).slice(0, 40)}`, () => {
      const folder = folderWithTitle(s);
      const impacted = [{ id: 'H-001', title: s, residualRisk: 2, reasons: [{ kind: 'path' as const, detail: s, file: s }] }];
      const bodies = [
        afterMergeIssue(folder, {
          number: 3,
          title: s,
          url: 'https://github.test/o/r/pull/3',
          mergeCommit: 'b'.repeat(40),
          impacted,
          hazardLogChanges: [{ id: 'H-001', title: s, change: 'modified', details: [{ kind: 'fields', fields: ['x'], summary: s }] }],
          reverify: [{ hazard: 'H-001', control: 'C1', evidence: s, change: 'modified' }],
          safetyFolderChanges: [s],
          approval: s,
        }).body,
        releaseSignOffIssue({
          tag: s,
          sha: 'c'.repeat(40),
          releaseUrl: 'https://github.test/o/r/releases/1',
          folder,
          previousTag: s,
          delta: [{ id: 'H-001', title: s, change: 'added', details: [{ kind: 'added', title: s, residualRisk: 2, summary: s }] }],
          incidentsSince: [],
          changeRecord: [{ pullNumber: 1, title: s, hazards: ['H-001'], approvals: [] }],
          assets: [{ name: s, sha256: s }],
        }).body,
        releaseSignOffIssue({
          tag: s,
          sha: 'c'.repeat(40),
          releaseUrl: 'https://github.test',
          problem: s,
          diagnostics: [{ file: s, line: 1, col: 1, severity: 'error', code: 'x', message: s }],
          delta: [],
          incidentsSince: [],
          changeRecord: [],
          assets: [],
        }).body,
        signOffComment({
          tag: s,
          sha: s,
          cso: { github: s, name: s, profession: s, registration: s },
          statement: s,
          signedAt: s,
          cscr: [{ name: s, sha256: s }],
          memo: { name: s, sha256: s },
        }),
        rejectionComment({ tag: s, sha: s, by: s, reason: s, at: s }),
        refusalComment(s, s),
        releaseNotesSection({ kind: 'rejected', by: s, reason: s, at: s }),
        releaseNotesSection({ kind: 'approved', cso: s, at: s }),
        incidentGuidance(
          folder,
          { number: 4, title: `${s} wrong patient`, body: s, user: s, createdAt: '2026-01-01T00:00:00Z', labels: [] },
          s,
        ),
        incidentReviewIssue(folder, { number: 4, title: s, url: 'https://github.test/o/r/issues/4' }, [
          { hazard: folder.hazards[0]!, why: s },
        ]).body,
        periodicReviewIssue(folder, { due: true, dueOn: '2026-01-01', cadenceMonths: 12, key: 'k' }).body,
      ];
      for (const body of bodies) expectNoForeignMarker(body);
    });
  }

  it('the text still reads as the user wrote it (only invisible joiners added)', () => {
    const body = afterMergeIssue(folderWithTitle('T'), {
      number: 3,
      title: 'Fix <!-- this --> & that',
      url: 'https://github.test/o/r/pull/3',
      mergeCommit: 'b'.repeat(40),
      impacted: [],
      hazardLogChanges: [],
      reverify: [],
      safetyFolderChanges: ['src/<!-- clinsafe:x:y -->.ts'],
      approval: 'none',
    }).body;
    expect(body.split(JOINER).join('')).toContain('`src/<!-- clinsafe:x:y -->.ts`');
  });
});
