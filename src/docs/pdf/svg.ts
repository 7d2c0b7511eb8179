/**
 * A small, strict SVG subset for generated pictures (the risk heat map): `<svg width height
 * viewBox>` holding `<rect>`, `<line>` and `<text>` (optionally inside `<g>` and with `<title>`),
 * absolute coordinates, colours as #rgb/#rrggbb or a few names. Anything else — transforms,
 * paths, images, links, styles — makes the picture unsupported, and its alt text is shown instead.
 * Nothing is loaded: there are no external references in the subset.
 */
export type SvgItem =
  | { kind: 'rect'; x: number; y: number; w: number; h: number; fill?: string; stroke?: string; strokeWidth: number }
  | { kind: 'line'; x1: number; y1: number; x2: number; y2: number; stroke: string; strokeWidth: number }
  | { kind: 'text'; x: number; y: number; size: number; bold: boolean; anchor: 'start' | 'middle' | 'end'; fill: string; text: string };

export interface Svg {
  /** Size in points (CSS pixels × 0.75). */
  w: number;
  h: number;
  /** Scale from viewBox units to points. */
  scale: number;
  items: SvgItem[];
}

const NAMED: Record<string, string> = { black: '#000000', white: '#ffffff', grey: '#808080', gray: '#808080' };

function colour(v: string | undefined, fallback: string | undefined): string | undefined {
  if (v === undefined) return fallback;
  const s = v.trim().toLowerCase();
  if (s === 'none' || s === 'transparent') return undefined;
  if (NAMED[s]) return NAMED[s];
  if (/^#[0-9a-f]{6}$/.test(s)) return s;
  if (/^#[0-9a-f]{3}$/.test(s)) return `#${[...s.slice(1)].map((c) => c + c).join('')}`;
  throw new Error(`colour ${v}`);
}

const entity = (s: string): string =>
  s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) => {
    const k = e.toLowerCase();
    if (k === 'amp') return '&';
    if (k === 'lt') return '<';
    if (k === 'gt') return '>';
    if (k === 'quot') return '"';
    if (k === 'apos') return "'";
    return String.fromCodePoint(k.startsWith('#x') ? parseInt(k.slice(2), 16) : parseInt(k.slice(1), 10));
  });

function attrs(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([a-zA-Z][a-zA-Z0-9:-]*)\s*=\s*("([^"]*)"|'([^']*)')/g)) out[m[1]!] = entity(m[3] ?? m[4] ?? '');
  return out;
}
const n = (v: string | undefined, d = 0): number => {
  if (v === undefined) return d;
  const x = Number(v.replace(/px$/, ''));
  if (!Number.isFinite(x)) throw new Error(`number ${v}`);
  return x;
};

/** The picture, or undefined when the SVG is outside the subset. */
export function parseSvg(source: string): Svg | undefined {
  try {
    const body = source
      .replace(/<\?xml[^>]*\?>/, '')
      .replace(/<!--[\s\S]*?-->/g, '')
      .trim();
    const root = /^<svg\b([^>]*)>([\s\S]*)<\/svg>$/.exec(body);
    if (!root) return undefined;
    const a = attrs(root[1]!);
    const vb = (a.viewBox ?? '')
      .split(/[\s,]+/)
      .filter(Boolean)
      .map(Number);
    const vw = vb.length === 4 ? vb[2]! : n(a.width);
    const vh = vb.length === 4 ? vb[3]! : n(a.height);
    const w = n(a.width, vw) * 0.75;
    const h = n(a.height, vh) * 0.75;
    if (!(vw > 0 && vh > 0 && w > 0 && h > 0) || (vb.length === 4 && (vb[0] !== 0 || vb[1] !== 0))) return undefined;
    const items: SvgItem[] = [];
    const re = /<(\/?)([a-zA-Z]+)\b([^>]*?)(\/?)>|([^<]+)/g;
    let open: { a: Record<string, string>; text: string } | undefined;
    for (const m of root[2]!.matchAll(re)) {
      if (m[5] !== undefined) {
        if (open) open.text += entity(m[5]);
        else if (m[5].trim()) return undefined;
        continue;
      }
      const [closing, tag, raw, selfClosing] = [m[1] === '/', m[2]!.toLowerCase(), m[3] ?? '', m[4] === '/'];
      const t = attrs(raw);
      if (tag === 'g' || tag === 'title' || tag === 'desc') {
        if (Object.keys(t).some((k) => k === 'transform' || k === 'style')) return undefined;
        if (tag !== 'g') open = closing ? undefined : selfClosing ? open : { a: {}, text: '' };
        continue;
      }
      if (t.transform !== undefined || t.style !== undefined) return undefined;
      if (tag === 'rect' && !closing) {
        items.push({
          kind: 'rect',
          x: n(t.x),
          y: n(t.y),
          w: n(t.width),
          h: n(t.height),
          fill: colour(t.fill, '#000000'),
          stroke: colour(t.stroke, undefined),
          strokeWidth: n(t['stroke-width'], 1),
        });
      } else if (tag === 'line' && !closing) {
        items.push({
          kind: 'line',
          x1: n(t.x1),
          y1: n(t.y1),
          x2: n(t.x2),
          y2: n(t.y2),
          stroke: colour(t.stroke, '#000000') ?? '#000000',
          strokeWidth: n(t['stroke-width'], 1),
        });
      } else if (tag === 'text') {
        if (!closing && !selfClosing) open = { a: t, text: '' };
        else if (closing && open) {
          const anchor = open.a['text-anchor'];
          items.push({
            kind: 'text',
            x: n(open.a.x),
            y: n(open.a.y),
            size: n(open.a['font-size'], 16),
            bold: /^(bold|[6-9]00)$/.test(open.a['font-weight'] ?? ''),
            anchor: anchor === 'middle' || anchor === 'end' ? anchor : 'start',
            fill: colour(open.a.fill, '#000000') ?? '#000000',
            text: open.text.replace(/\s+/g, ' ').trim(),
          });
          open = undefined;
        }
      } else if (!(closing && (tag === 'rect' || tag === 'line'))) return undefined;
    }
    return { w, h, scale: w / vw, items };
  } catch {
    return undefined;
  }
}
