/**
 * Silencing a rule on one resource, with a reason:
 *
 *   metadata:
 *     annotations:
 *       validate.k8s-networking-proven.dev/ignore-service-selector-matches: "endpoints are added by hand in endpointslice.yaml"
 *
 * Only rules marked silenceable in rules.ts can be silenced; an empty reason
 * or an unknown rule is itself a problem, and silences nothing.
 */
import type { Finding } from './findings.ts';
import type { Resource } from '../yaml/manifest-source.ts';
import { get, isObj } from '../yaml/plain.ts';
import { RULES, RULES_BY_ID, SILENCE_PREFIX } from './rules.ts';

export interface Silences {
  /** rule id -> reason */
  rules: Map<string, string>;
  /** Problems with the annotations themselves. */
  findings: Finding[];
}

const SILENCEABLE = RULES.filter((r) => r.silenceable).map((r) => r.id);

export function silencesOf(res: Resource): Silences {
  const rules = new Map<string, string>();
  const findings: Finding[] = [];
  const annotations = get(res.obj, 'metadata', 'annotations');
  if (!isObj(annotations)) return { rules, findings };
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith(SILENCE_PREFIX)) continue;
    const id = key.slice(SILENCE_PREFIX.length);
    const path = ['metadata', 'annotations', key];
    const rule = RULES_BY_ID.get(id);
    if (!rule || !rule.silenceable) {
      findings.push({
        rule: 'silence-unknown-rule',
        message: rule ? `rule ${id} cannot be silenced` : `no rule "${id}" to silence`,
        hint: `silenceable rules: ${SILENCEABLE.join(', ')}`,
        path,
        at: 'key',
      });
      continue;
    }
    if (typeof value !== 'string' || value.trim() === '') {
      findings.push({
        rule: 'silence-without-reason',
        message: `silencing ${id} needs a reason`,
        hint: `write why the rule does not apply: ${key}: "<reason>"`,
        path,
      });
      continue;
    }
    rules.set(id, value);
  }
  return { rules, findings };
}
