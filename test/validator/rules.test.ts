import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES, SILENCE_PREFIX } from '../../src/lib/validator/rules.ts';
import { dns1035Label, dns1123Label, dns1123Subdomain, ianaServiceName, labelValue, qualifiedName } from '../../src/lib/validator/names.ts';

describe('rules', () => {
  it('have unique ids short enough for a silencing annotation', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
      expect(qualifiedName(`${SILENCE_PREFIX}${id}`)).toBeUndefined();
    }
  });

  it('are all documented in VALIDATOR.md, with how to silence them', () => {
    const doc = readFileSync('VALIDATOR.md', 'utf8');
    for (const r of RULES) expect(doc, `VALIDATOR.md lacks a row for ${r.id}`).toMatch(new RegExp(`^\\| \`${r.id}\` \\|`, 'm'));
    expect(doc).toContain(SILENCE_PREFIX);
  });
});

describe('name rules', () => {
  it('DNS names', () => {
    expect(dns1123Label('web-1')).toBeUndefined();
    expect(dns1123Label('Web')).toBe('must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit');
    expect(dns1123Label('a'.repeat(64))).toBe('must be at most 63 characters');
    expect(dns1123Subdomain('a.b-c.d')).toBeUndefined();
    expect(dns1123Subdomain('a..b')).toBe('must be a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit');
    expect(dns1035Label('1web')).toBe('must be a DNS-1035 label: lowercase letters, digits and "-", starting with a letter and ending with a letter or digit');
    expect(dns1035Label('web1')).toBeUndefined();
  });

  it('label keys and values', () => {
    expect(qualifiedName('app.kubernetes.io/name')).toBeUndefined();
    expect(qualifiedName('app')).toBeUndefined();
    expect(qualifiedName('/app')).toBe('the prefix before "/" must not be empty');
    expect(qualifiedName('a/b/c')).toBe('must be a qualified name: an optional DNS subdomain prefix and "/", then a name');
    expect(qualifiedName('Example.com/app')).toBe(`prefix "Example.com" must be a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit`);
    expect(labelValue('')).toBeUndefined();
    expect(labelValue('v1.2_3')).toBeUndefined();
    expect(labelValue('-x')).toBe('must be empty or alphanumeric characters, "-", "_" or ".", starting and ending with an alphanumeric character');
  });

  it('IANA service names (port names)', () => {
    expect(ianaServiceName('http')).toBeUndefined();
    expect(ianaServiceName('h2c-8080')).toBeUndefined();
    expect(ianaServiceName('8080')).toBe('must contain at least one letter');
    expect(ianaServiceName('web--http')).toBe('must not contain "--"');
    expect(ianaServiceName('a-very-long-port-name')).toBe('must be at most 15 characters');
    expect(ianaServiceName('HTTP')).toBe('must contain only lowercase letters, digits and "-"');
  });
});
