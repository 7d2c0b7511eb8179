/**
 * Pictures: an mdast `image` whose URL is a `data:` URL of a PNG, or of an SVG in the subset that
 * svg.ts reads (a risk heat map), is drawn and tagged as a Figure with its alt text. Nothing is
 * ever loaded from a path or the network: any other URL is shown as its alt text.
 */
import type { Box, Flow } from './flow.js';
import { parseSvg, type Svg } from './svg.js';

/** A picture and its size in points (pixels at 96 dpi). */
export type Picture = { png: Buffer; svg?: undefined; w: number; h: number } | { svg: Svg; png?: undefined; w: number; h: number };

const PNG_SIGNATURE = '89504e470d0a1a0a';

export function imageOf(url: string): Picture | undefined {
  const svg = /^data:image\/svg\+xml(;base64|;utf8|;charset=utf-8)?,([\s\S]*)$/i.exec(url);
  if (svg) {
    let source: string;
    try {
      source = svg[1]?.toLowerCase() === ';base64' ? Buffer.from(svg[2]!, 'base64').toString('utf8') : decodeURIComponent(svg[2]!);
    } catch {
      return undefined;
    }
    const parsed = parseSvg(source);
    return parsed && { svg: parsed, w: parsed.w, h: parsed.h };
  }
  const m = /^data:image\/png;base64,([A-Za-z0-9+/=\s]+)$/.exec(url);
  if (!m) return undefined;
  const png = Buffer.from(m[1]!, 'base64');
  if (png.length < 24 || png.subarray(0, 8).toString('hex') !== PNG_SIGNATURE || png.subarray(12, 16).toString('latin1') !== 'IHDR')
    return undefined;
  const w = png.readUInt32BE(16);
  const h = png.readUInt32BE(20);
  if (!w || !h) return undefined;
  return { png, w: w * 0.75, h: h * 0.75 };
}

export function layoutImage(flow: Flow, img: Picture, alt: string, box: Box): void {
  let w = Math.min(img.w, box.w);
  let h = (img.h * w) / img.w;
  const maxH = flow.bodyHeight * 0.9;
  if (h > maxH) {
    w = (w * maxH) / h;
    h = maxH;
  }
  flow.gap(4);
  flow.ensure(h);
  const e = flow.sink.begin('Figure', { alt: alt || 'Figure' });
  if (img.svg) flow.sink.vector(img.svg, box.x, flow.y, w / img.w);
  else flow.sink.image(img.png, box.x, flow.y, w, h);
  flow.sink.end(e);
  flow.y += h;
  flow.gap(6);
}
