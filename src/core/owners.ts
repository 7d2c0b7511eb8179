/**
 * Who holds a control: the manufacturer, another manufacturer (the supplier of an interfacing
 * system, acting in its own DCB0129 safety case), or a deploying organisation (DCB0160). Pure.
 */
import type { Config } from './schema.js';

export type OwnerKind = 'manufacturer' | 'other-manufacturer' | 'deploying-organisation';

/**
 * The comparison key of an organisation name: case, punctuation and plurals do not make a new
 * organisation ("Deploying organisations." and "deploying organisation" are one).
 */
export function organisationKey(name: string): string {
  if (name.length > MAX_REMEMBERED_LENGTH) return computeOrganisationKey(name);
  let key = keys.get(name);
  if (key === undefined) {
    key = computeOrganisationKey(name);
    if (keys.size >= MAX_REMEMBERED) keys.clear();
    keys.set(name, key);
  }
  return key;
}

/** Keys already computed: a hazard log names the same few organisations on thousands of controls. */
const keys = new Map<string, string>();
const MAX_REMEMBERED = 1_000;
const MAX_REMEMBERED_LENGTH = 200;

function computeOrganisationKey(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2019'`]s\b/g, '') // the right single quote as an escape: the CLI bundle stays ASCII (a one-byte string for Node to read)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .map((w) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w))
    .join(' ');
}

/** True when `owner` is the manufacturer: the word `manufacturer`, or the manufacturer's own name from clinsafe.yml. */
export function isManufacturerOwner(config: Pick<Config, 'product'>, owner: string): boolean {
  const key = organisationKey(owner);
  return key === 'manufacturer' || key === organisationKey(config.product.manufacturer);
}

export interface OtherManufacturer {
  name: string;
  system?: string;
  standard: string;
}

/** The declared other manufacturer `owner` names, if any. */
export function otherManufacturerOf(config: Pick<Config, 'otherManufacturers'>, owner: string): OtherManufacturer | undefined {
  const key = organisationKey(owner);
  return (config.otherManufacturers ?? []).find((m) => organisationKey(m.name) === key);
}

export function ownerKind(config: Pick<Config, 'product' | 'otherManufacturers'>, owner: string): OwnerKind {
  if (isManufacturerOwner(config, owner)) return 'manufacturer';
  return otherManufacturerOf(config, owner) ? 'other-manufacturer' : 'deploying-organisation';
}

/**
 * Organisation names listed once each, in first-seen order and first-seen spelling (case, punctuation
 * and plural differences folded).
 */
export function distinctOrganisations(names: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const n of names) {
    const key = organisationKey(n);
    if (key && !seen.has(key)) seen.set(key, n.trim());
  }
  return [...seen.values()];
}
