/**
 * Label selectors (metav1.LabelSelector) as NetworkPolicy uses them: the zod
 * schema of a selector and how the evaluator describes one. Matching is
 * selectorMatches in src/lib/yaml/kube.ts, shared with the validator.
 */
import { z } from 'zod';

/** One matchExpressions requirement (metav1.LabelSelectorRequirement). */
export const labelSelectorRequirement = z.object({
  /** The label key the requirement applies to. */
  key: z.string().min(1),
  /** In and NotIn compare the value with `values`; Exists and DoesNotExist look at the key only. */
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
  /** Non-empty for In and NotIn; empty or absent for Exists and DoesNotExist. */
  values: z.array(z.string()).optional(),
}).superRefine((r, ctx) => {
  const n = r.values?.length ?? 0;
  if ((r.operator === 'In' || r.operator === 'NotIn') && n === 0) ctx.addIssue({ code: 'custom', path: ['values'], message: `operator ${r.operator} needs at least one value` });
  if ((r.operator === 'Exists' || r.operator === 'DoesNotExist') && n > 0) ctx.addIssue({ code: 'custom', path: ['values'], message: `operator ${r.operator} takes no values` });
});

/** metav1.LabelSelector; `{}` selects everything. */
export const labelSelector = z.object({
  /** Each key must have exactly this value. */
  matchLabels: z.record(z.string(), z.string()).nullish(),
  /** Each requirement must hold. */
  matchExpressions: z.array(labelSelectorRequirement).nullish(),
});
export type LabelSelector = z.infer<typeof labelSelector>;

/** True for `{}`: the selector matches everything. */
export function isEmptySelector(sel: LabelSelector): boolean {
  return Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
}

/** `{app: web, tier In (a,b)}`, or `{}` for the empty selector. */
export function describeSelector(sel: LabelSelector): string {
  const parts = [
    ...Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}: ${v}`),
    ...(sel.matchExpressions ?? []).map((r) => (r.operator === 'Exists' ? r.key : r.operator === 'DoesNotExist' ? `!${r.key}` : `${r.key} ${r.operator} (${(r.values ?? []).join(',')})`)),
  ];
  return `{${parts.join(', ')}}`;
}
