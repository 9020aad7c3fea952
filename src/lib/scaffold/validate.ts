/**
 * Input rules for the scaffolding commands (npm run new:article,
 * npm run new:example). Each validator returns an error message, or
 * undefined when the value is fine, so the CLI can print it or ask again.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { EXAMPLE_ID, listExampleIds, slugConflict } from '../examples/load.ts';

/** A DNS label (RFC 1123): what Kubernetes namespace names and our slugs are. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function dnsLabelError(what: string, value: string): string | undefined {
  if (value === '') return `${what} must not be empty`;
  if (value.length > 63) return `${what} "${value}" is ${value.length} characters long; a DNS label has at most 63`;
  if (!DNS_LABEL.test(value)) {
    return `${what} "${value}" is not a DNS label: use lowercase letters, digits and dashes, starting and ending with a letter or digit (e.g. clusterip-basic)`;
  }
  return undefined;
}

/** The slug rule is the loader's (slugConflict), so a scaffolded example always loads. */
export function exampleSlugError(slug: string, examplesRoot: string): string | undefined {
  return dnsLabelError('slug', slug) ?? slugConflict(slug, listExampleIds(examplesRoot))?.message;
}

export function topicError(topic: string, examplesRoot: string): string | undefined {
  if (topic !== '' && existsSync(path.join(examplesRoot, topic))) {
    return DNS_LABEL.test(topic) ? undefined : `topic folder "${topic}" exists but is not a DNS label`;
  }
  return dnsLabelError('topic', topic);
}

export function articleSlugError(slug: string): string | undefined {
  const e = dnsLabelError('slug', slug);
  if (e) return e;
  if (slug === 'index') return 'slug "index" is the section page; pick a name for the article';
  return undefined;
}

export function titleError(title: string): string | undefined {
  if (title.trim() === '') return 'title must not be empty';
  if (/[\r\n]/.test(title)) return 'title must be one line';
  if (/\bTODO\b/i.test(title)) return 'title must not be a TODO placeholder';
  return undefined;
}

/** Same rule as the article schema: at least one full sentence. */
export function descriptionError(what: string, text: string): string | undefined {
  if (/[\r\n]/.test(text)) return `${what} must be one line`;
  if (text.trim().length < 20) return `${what} must be at least one full sentence (20 characters or more)`;
  if (/\bTODO\b/i.test(text)) return `${what} must not be a TODO placeholder`;
  return undefined;
}

export function orderError(order: string): string | undefined {
  return /^-?\d{1,6}$/.test(order.trim()) ? undefined : `order "${order}" must be a whole number (the position in the sidebar)`;
}

function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel === '' ? '.' : rel.startsWith('..') ? p : `${rel}/`;
}

export const EXAMPLE_KINDS = ['server-client', 'networkpolicy'] as const;
export type ExampleKind = (typeof EXAMPLE_KINDS)[number];

export function kindError(kind: string): string | undefined {
  return (EXAMPLE_KINDS as readonly string[]).includes(kind) ? undefined : `kind "${kind}" must be one of ${EXAMPLE_KINDS.join(', ')}`;
}

/** Splits `a/b, c/d` into ids; empty input is an empty list. */
export function parseExampleList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Each id must be `<topic>/<slug>` and name an example folder that exists. */
export function exampleListError(value: string, examplesRoot: string): string | undefined {
  const ids = parseExampleList(value);
  const seen = new Set<string>();
  for (const id of ids) {
    if (!EXAMPLE_ID.test(id)) return `"${id}" is not an example id; write <topic>/<slug>, e.g. services/clusterip-basic`;
    if (seen.has(id)) return `example ${id} is listed twice`;
    seen.add(id);
    if (!listExampleIds(examplesRoot).includes(id)) return `no example ${id} under ${shown(examplesRoot)}; create it first with npm run new:example`;
  }
  return undefined;
}
