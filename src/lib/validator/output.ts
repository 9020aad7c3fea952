/**
 * Output of `npm run validate`: the human form (one problem per line,
 * `file:line:col  severity  rule  message`, with a hint line), the JSON
 * form (exactly one object) and SARIF 2.1.0 (for PR annotations).
 */
import { formatProblem, type Problem } from '../problems.ts';
import { RULES, SILENCE_PREFIX, type Rule } from './rules.ts';
import { GATEWAY_API_VERSION, KUBERNETES_VERSION } from './versions.ts';

export interface ValidationReport {
  files: number;
  resources: number;
  problems: Problem[];
}

export interface JsonReport {
  files: number;
  resources: number;
  problems: Array<Pick<Problem, 'file' | 'line' | 'column' | 'rule' | 'severity' | 'message'>>;
}

export function toJson(r: ValidationReport): JsonReport {
  return {
    files: r.files,
    resources: r.resources,
    problems: r.problems.map((p) => ({ file: p.file, line: p.line, column: p.column, rule: p.rule, severity: p.severity, message: p.message })),
  };
}

export function counts(problems: Problem[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const p of problems) if (p.severity === 'error') errors++;
  else warnings++;
  return { errors, warnings };
}

export function formatHuman(r: ValidationReport, seconds?: number): string {
  const lines = r.problems.map(formatProblem);
  const { errors, warnings } = counts(r.problems);
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  lines.push(
    `${errors ? 'FAIL' : 'ok'}: ${plural(r.resources, 'resource')} in ${plural(r.files, 'file')}, ${plural(errors, 'error')}, ${plural(warnings, 'warning')}` +
      ` (Kubernetes ${KUBERNETES_VERSION}, Gateway API ${GATEWAY_API_VERSION}${seconds !== undefined ? `, ${seconds.toFixed(2)} s` : ''})`,
  );
  return lines.join('\n');
}

/** SARIF 2.1.0, the format code-scanning tools and PR annotations read (only the fields we fill). */
export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: Array<{
    tool: { driver: { name: string; version: string; rules: SarifRule[] } };
    /** Present when the run could not validate (a usage error, no schemas): why. */
    invocations?: Array<{ executionSuccessful: boolean; toolExecutionNotifications: Array<{ level: 'error'; message: { text: string } }> }>;
    results: SarifResult[];
  }>;
}

export interface SarifRule {
  id: string;
  shortDescription: { text: string };
  help: { text: string; markdown: string };
  defaultConfiguration: { level: 'error' | 'warning' };
  properties: { tags: string[] };
}

export interface SarifResult {
  ruleId: string;
  /** Index into tool.driver.rules. */
  ruleIndex: number;
  level: 'error' | 'warning';
  message: { text: string };
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }>;
}

/** A file path as a SARIF artifact URI: relative paths stay relative (to the repository root), absolute ones become file: URIs. */
export function sarifUri(file: string): string {
  const slashed = file.replace(/\\/g, '/');
  if (slashed === '-') return 'stdin';
  const encoded = slashed.split('/').map(encodeURIComponent).join('/');
  return slashed.startsWith('/') ? `file://${encoded}` : encoded;
}

function ruleHelp(r: Rule): string {
  const silence = r.silenceable
    ? `Silence it for one object with the annotation ${SILENCE_PREFIX}${r.id}: "<reason>".`
    : 'It cannot be silenced.';
  return `${r.summary} ${silence} See VALIDATOR.md for every rule.`;
}

/**
 * The report as SARIF 2.1.0: every rule of the validator in
 * tool.driver.rules (with its help text), one result per problem with its
 * file, line and column. Problems of rules outside the list (the example
 * loader's) get a rule entry of their own.
 */
export function toSarif(r: ValidationReport, failure?: string): SarifLog {
  const rules: SarifRule[] = [];
  const index = new Map<string, number>();
  const add = (id: string, summary: string, level: 'error' | 'warning', help: string, tags: string[]) => {
    index.set(id, rules.length);
    rules.push({ id, shortDescription: { text: summary }, help: { text: help, markdown: help }, defaultConfiguration: { level }, properties: { tags } });
  };
  for (const rule of RULES) add(rule.id, rule.summary, rule.severity, ruleHelp(rule), [rule.group]);
  for (const p of r.problems) {
    if (!index.has(p.rule)) add(p.rule, `Reported by the example loader (${p.rule}).`, 'error', 'See examples/README.md for the example spec.', ['example']);
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'validate', version: `Kubernetes ${KUBERNETES_VERSION}, Gateway API ${GATEWAY_API_VERSION}`, rules } },
        results: r.problems.map((p) => ({
          ruleId: p.rule,
          ruleIndex: index.get(p.rule)!,
          level: p.severity,
          message: { text: p.hint ? `${p.message} (hint: ${p.hint})` : p.message },
          locations: [{ physicalLocation: { artifactLocation: { uri: sarifUri(p.file) }, region: { startLine: p.line, startColumn: p.column } } }],
        })),
        ...(failure ? { invocations: [{ executionSuccessful: false, toolExecutionNotifications: [{ level: 'error' as const, message: { text: failure } }] }] } : {}),
      },
    ],
  };
}

/**
 * Writes `text` to standard output with plain write calls: process.stdout
 * would first build a stream (and load Node's stream modules), a cost on
 * every short run. A full non-blocking pipe (EAGAIN) is waited out; a reader
 * that went away (EPIPE, `| head`) ends the output quietly.
 */
export function writeStdout(text: string): void {
  const { writeSync } = process.getBuiltinModule('node:fs');
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; ) {
    try {
      at += writeSync(1, bytes, at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return;
      if (code !== 'EAGAIN') throw e;
    }
  }
}
