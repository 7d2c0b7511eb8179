/**
 * Markdown serialisation of the CSCR for a large synthetic hazard log: clinsafe's serialiser vs
 * mdast-util-to-markdown (what it replaced) vs a floor that writes the same tree with no escaping
 * at all (the least any serialiser must do). Same tree, same process, RUNS pairs (default 30): each
 * pair runs the floor then clinsafe, and the ratio is the median of the pairs' ratios (times are
 * the best of each), so a load spike on the shared machine hits both sides of a pair.
 *
 *   npm run bench:markdown      (BENCH_HAZARDS=1000 by default)
 */
import type { Root, RootContent, PhrasingContent } from 'mdast';
import { gfmToMarkdown } from 'mdast-util-gfm';
import { toMarkdown } from 'mdast-util-to-markdown';
import { serializeMarkdown } from '../src/core/markdown-serializer.js';
import { emitRow } from './lib/rows.js';
import { code, heading, inlineCode, list, paragraph, root, strong, table } from '../src/core/markdown.js';

const HAZARDS = Number(process.env.BENCH_HAZARDS ?? 1000);
const TRIES = Math.max(10, Number(process.env.RUNS ?? 30));

/** A CSCR-shaped tree: a summary table, then per hazard a heading, paragraphs, a control table and a list. */
function tree(): Root {
  const children: RootContent[] = [heading(1, 'Clinical Safety Case Report')];
  children.push(
    table(
      ['Hazard', 'Title', 'Initial', 'Residual', 'Status'],
      Array.from({ length: HAZARDS }, (_, i) => [`H-${i}`, `Hazard ${i}: wrong patient | record *merged*`, '4', '2', 'open']),
    ),
  );
  for (let i = 0; i < HAZARDS; i++) {
    children.push(heading(3, `H-${i} Wrong patient's record shown <after> merge`));
    children.push(
      paragraph('Description: the clinician sees ', strong('another patient'), ' when the record at https://x.example/a_b is opened.'),
    );
    children.push(
      table(
        ['Control', 'Type', 'Status', 'Evidence'],
        Array.from({ length: 5 }, (_, c) => [`H-${i}-C0${c}`, 'design', 'verified', inlineCode(`test/hazard_${i}.spec.ts`)]),
      ),
    );
    children.push(list([`Cause ${i}.1 — the index is stale`, `Cause ${i}.2 — \`cache\` not cleared`]));
  }
  children.push(code('a: 1', 'yaml'));
  return root(children);
}

/** The floor: write every node with no escaping and no alignment. */
function naive(node: Root | RootContent | PhrasingContent): string {
  switch (node.type) {
    case 'root':
      return node.children.map(naive).join('\n\n') + '\n';
    case 'heading':
      return '#'.repeat(node.depth) + ' ' + node.children.map(naive).join('');
    case 'paragraph':
      return node.children.map(naive).join('');
    case 'text':
      return node.value;
    case 'strong':
      return '**' + node.children.map(naive).join('') + '**';
    case 'inlineCode':
      return '`' + node.value + '`';
    case 'code':
      return '```' + (node.lang ?? '') + '\n' + node.value + '\n```';
    case 'list':
      return node.children.map((i) => '- ' + i.children.map(naive).join('\n')).join('\n');
    case 'table':
      return node.children
        .map(
          (r, i) =>
            '| ' +
            r.children.map((c) => c.children.map(naive).join('')).join(' | ') +
            ' |' +
            (i === 0 ? '\n|' + ' --- |'.repeat(r.children.length) : ''),
        )
        .join('\n');
    default:
      return '';
  }
}

function best(fn: () => string): { ms: number; chars: number } {
  let ms = Infinity;
  let chars = 0;
  for (let i = 0; i < TRIES; i++) {
    const t = performance.now();
    chars = fn().length;
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, chars };
}

/** Floor and clinsafe in turn, TRIES times: best time of each and the median of the pairs' ratios. */
function pairs(a: () => string, b: () => string): { a: { ms: number; chars: number }; b: { ms: number; chars: number }; ratio: number } {
  const ra = { ms: Infinity, chars: 0 };
  const rb = { ms: Infinity, chars: 0 };
  const ratios: number[] = [];
  for (let i = 0; i < TRIES; i++) {
    let t0 = performance.now();
    ra.chars = a().length;
    const ta = performance.now() - t0;
    t0 = performance.now();
    rb.chars = b().length;
    const tb = performance.now() - t0;
    ra.ms = Math.min(ra.ms, ta);
    rb.ms = Math.min(rb.ms, tb);
    ratios.push(tb / ta);
  }
  ratios.sort((x, y) => x - y);
  return { a: ra, b: rb, ratio: ratios[Math.floor(ratios.length / 2)]! };
}

const t = tree();
const paired = pairs(
  () => naive(t),
  () => serializeMarkdown(t),
);
const floor = paired.a;
const fast = paired.b;
const fastAligned = best(() => serializeMarkdown(t, { alignTables: true }));
const reference = best(() =>
  toMarkdown(t, { extensions: [gfmToMarkdown({ tablePipeAlign: false })], bullet: '-', fences: true, rule: '-' }),
);
const row = (name: string, r: { ms: number; chars: number }) =>
  `| ${name.padEnd(38)} | ${r.ms.toFixed(0).padStart(7)} ms | ${(r.ms / floor.ms).toFixed(2).padStart(6)}× | ${String(r.chars).padStart(10)} |`;
console.log(`Markdown serialisation, ${HAZARDS} hazards (best of ${TRIES}; ratio to the floor: best times)`);
console.log('| serialiser                             |      time |  ratio |      chars |');
console.log(row('floor: no escaping (naive)', floor));
console.log(row('clinsafe serializeMarkdown', fast));
console.log(row('clinsafe, tables aligned', fastAligned));
console.log(row('mdast-util-to-markdown (before)', reference));
console.log(`clinsafe / floor, median of ${TRIES} pairs: ${paired.ratio.toFixed(2)}×`);
emitRow({
  path: `Markdown serialisation, ${HAZARDS} hazards`,
  clinsafe: `${fast.ms.toFixed(1)} ms`,
  floor: `no-escaping serialiser: ${floor.ms.toFixed(1)} ms (ratio: median of ${TRIES} pairs)`,
  ratio: paired.ratio,
  peakMiB: process.resourceUsage().maxRSS / 1024,
  goal: 2,
});
