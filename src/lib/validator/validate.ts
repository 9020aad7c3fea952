/**
 * The offline validator (tier 1): runs every rule over one unit of
 * manifests and returns located problems.
 *
 * A unit is what cross-resource rules look across: an example (its
 * manifests, in apply order, with its example.yaml), or a folder or file
 * given on the command line.
 */
import type { ExampleSpec } from '../examples/spec.ts';
import type { Problem, Severity } from '../problems.ts';
import { crossResourceChecks, crossResourceView, NO_ENVIRONMENT, type UnitEnvironment } from './cross-resource.ts';
import { describeApiChange, findApiChange } from './deprecated-apis.ts';
import { exampleCheckTargets, exampleResourceChecks } from './example-rules.ts';
import type { Finding } from './findings.ts';
import { type Extracted, extractFromDocument, ManifestSource, type Resource } from '../yaml/manifest-source.ts';
import { formatPath, get, isObj, type PathSeg } from '../yaml/plain.ts';
import { metadataNameRule } from './names.ts';
import { podSecurityViolations, type PodSecurityLevel } from './pod-security.ts';
import { podTemplateOf } from './pods.ts';
import { rule } from './rules.ts';
import type { KindInfo, SchemaBundle } from './schema-model.ts';
import { SchemaValidator } from './schema-validate.ts';
import { silencesOf } from './silence.ts';
import { GATEWAY_API_VERSION, KUBERNETES_VERSION } from './versions.ts';

export interface UnitFile {
  /** Path for messages (relative to the cwd, or `-` for stdin). */
  file: string;
  /** The file's text, or a function that reads it when the unit is validated and again when a problem in it is located after it was read (keeps memory flat on large trees). */
  text: string | (() => string);
}

export interface ExampleContext {
  id: string;
  spec: ExampleSpec;
  /** Display path of example.yaml, to locate problems in checks. */
  specFile: string;
  /** Reads example.yaml's text: only when a problem in a check has to be located. */
  specText: () => string;
}

export interface ValidationUnit {
  /** Example id or the path given. */
  name: string;
  files: UnitFile[];
  example?: ExampleContext;
  /** Problems found before validation (the example loader's). */
  problems?: Problem[];
}

export interface UnitReport {
  problems: Problem[];
  files: number;
  resources: number;
}

/** The cluster-provided classes an example may use, from its `requires` (examples/README.md). */
export function exampleEnvironment(spec: ExampleSpec): UnitEnvironment {
  const requires = spec.requires ?? [];
  return {
    ingressClasses: new Set(requires.includes('ingress') ? ['traefik'] : []),
    gatewayClasses: new Set(requires.includes('gateway') ? ['traefik'] : []),
    describe: requires.length ? `example.yaml requires: [${requires.join(', ')}]` : 'example.yaml requires nothing',
  };
}

const ALPHA = /^(?:[^/]+\/)?v[0-9]+alpha[0-9]+$/;

export interface ValidatorOptions {
  /**
   * Treat every unit as complete, as an example is: findings that assume the
   * unit is all that is applied (Finding.closedWorld) are errors everywhere, not only in
   * examples (`--closed-world`).
   */
  closedWorld?: boolean;
  /**
   * The Gateway API channel whose CRDs the target cluster has (default
   * `standard`). Under `standard`, an object valid only with the
   * experimental CRDs gets a `gateway-experimental-channel` warning instead
   * of schema errors; under `experimental` it is silently valid
   * (`--gateway-channel experimental`).
   */
  gatewayChannel?: GatewayChannel;
}

/** The Gateway API release channels whose CRDs the validator knows. */
export const GATEWAY_CHANNELS = ['standard', 'experimental'] as const;
export type GatewayChannel = (typeof GATEWAY_CHANNELS)[number];

/** The hint that says why a closed-world finding is only a warning here. */
const OPEN_WORLD_HINT = 'only a warning: outside an example these files need not be all that is applied, nor applied together (--closed-world makes this an error)';

export class ManifestValidator {
  readonly schema: SchemaValidator;
  /** kind -> apiVersions that define it, for hints. */
  private readonly versionsOfKind = new Map<string, string[]>();

  constructor(
    bundle: SchemaBundle,
    readonly options: ValidatorOptions = {},
  ) {
    this.schema = new SchemaValidator(bundle);
    for (const key of Object.keys(bundle.kinds)) {
      const i = key.lastIndexOf(':');
      const kind = key.slice(i + 1);
      const list = this.versionsOfKind.get(kind) ?? [];
      list.push(key.slice(0, i));
      this.versionsOfKind.set(kind, list);
    }
  }

  /**
   * Validates one unit. Each file is read one document at a time: the rules
   * on one object run as soon as it is read, and what the rules across
   * objects need is all that is kept of it (crossResourceView), so memory
   * follows the unit's summaries, not its parsed trees.
   */
  validateUnit(unit: ValidationUnit): UnitReport {
    const problems: Problem[] = [...(unit.problems ?? [])];
    const spec = unit.example?.spec;
    // An example is complete by definition; anything else only when the user says so.
    const closed = !!unit.example || !!this.options.closedWorld;
    /** The unit's objects with apiVersion and kind, for the rules across objects; an example's whole, since its checks read them. */
    const kept: Resource[] = [];
    /** The rules each object's annotations silence. */
    const silences = new Map<Resource, ReadonlySet<string>>();
    const emit = (res: Resource, silenced: ReadonlySet<string> | undefined, finding: Finding) => {
      const r = rule(finding.rule);
      if (r.silenceable && silenced?.has(finding.rule)) return;
      const pos = res.source.locate(res.doc, [...res.base, ...finding.path], finding.at);
      const open = finding.closedWorld && !closed;
      const p: Problem = { file: res.source.file, ...pos, rule: finding.rule, severity: open ? 'warning' : (finding.severity ?? r.severity), message: finding.message };
      if (finding.hint || open) p.hint = [finding.hint, open ? OPEN_WORLD_HINT : undefined].filter(Boolean).join('; ');
      problems.push(p);
    };
    let resourceCount = 0;
    for (const f of unit.files) {
      const source = typeof f.text === 'string' ? new ManifestSource(f.file, f.text) : new ManifestSource(f.file, f.text(), f.text);
      const found: Extracted = { resources: [], notObjects: [] };
      let objects = 0;
      source.forEachDocument((value, doc) => {
        found.resources.length = 0;
        found.notObjects.length = 0;
        extractFromDocument(source, value, doc, found);
        for (const n of found.notObjects) {
          problems.push({ file: f.file, ...source.locate(n.doc, n.path), rule: 'manifest-not-object', severity: 'error', message: n.message, hint: 'each YAML document must be a mapping with apiVersion, kind and metadata' });
        }
        objects += found.resources.length + found.notObjects.length;
        for (const res of found.resources) {
          // Silencing (annotation problems are findings too), then locating.
          const s = silencesOf(res);
          const silenced = new Set(s.rules.keys());
          const findings = [...this.resourceFindings(res), ...s.findings];
          if (res.apiVersion && res.kind) findings.push(...this.podSecurity(res, spec));
          for (const finding of findings) emit(res, silenced, finding);
          if (!res.apiVersion || !res.kind) continue;
          const view = unit.example ? res : crossResourceView(res);
          kept.push(view);
          silences.set(view, silenced);
        }
        resourceCount += found.resources.length;
      });
      problems.push(...source.problems);
      if (objects === 0 && !source.problems.some((p) => p.severity === 'error')) {
        problems.push({ file: f.file, line: 1, column: 1, rule: 'manifest-empty', severity: 'error', message: 'the file holds no Kubernetes object', hint: 'add the object or remove the file' });
      }
      source.release();
    }
    const env = unit.example ? exampleEnvironment(unit.example.spec) : NO_ENVIRONMENT;
    for (const { res, finding } of crossResourceChecks(kept, env)) emit(res, silences.get(res), finding);
    if (unit.example) {
      for (const { res, finding } of exampleResourceChecks(kept, new Set((unit.example.spec.namespaces ?? []).map((n) => n.name)))) emit(res, silences.get(res), finding);
      let specSource: ManifestSource | undefined;
      for (const { path, finding } of exampleCheckTargets(unit.example.spec, kept)) {
        specSource ??= new ManifestSource(unit.example.specFile, unit.example.specText());
        const r = rule(finding.rule);
        problems.push({ file: unit.example.specFile, ...specSource.locate(0, path), rule: finding.rule, severity: finding.severity ?? r.severity, message: finding.message, ...(finding.hint ? { hint: finding.hint } : {}) });
      }
    }
    return { problems: sortProblems(dedupe(problems), unit.files.map((f) => f.file)), files: unit.files.length, resources: resourceCount };
  }

  /** Identity, apiVersion, name and schema findings of one resource. */
  resourceFindings(res: Resource): Finding[] {
    const out: Finding[] = [];
    const { apiVersion, kind } = res;
    if (!apiVersion || !kind) {
      for (const f of ['apiVersion', 'kind'] as const) {
        const v = res.obj[f];
        if (typeof v !== 'string' || v === '') {
          out.push({ rule: 'resource-identity', message: v === undefined ? `${f} is missing` : `${f} must be a non-empty string`, path: v === undefined ? [] : [f], hint: f === 'kind' ? 'e.g. kind: Deployment' : 'e.g. apiVersion: apps/v1' });
        }
      }
      return out;
    }
    const change = findApiChange(apiVersion, kind);
    if (change?.removed) {
      const { message, hint } = describeApiChange(change, kind);
      out.push({ rule: 'removed-api', message, hint, path: ['apiVersion'] });
      return out;
    }
    const info = this.schema.kindInfo(apiVersion, kind);
    if (!info) {
      const versions = this.versionsOfKind.get(kind);
      out.push({
        rule: 'unknown-kind',
        message: versions
          ? `${kind} is not served as ${apiVersion} in Kubernetes ${KUBERNETES_VERSION} / Gateway API ${GATEWAY_API_VERSION}`
          : `no schema for ${apiVersion} ${kind} in Kubernetes ${KUBERNETES_VERSION} or Gateway API ${GATEWAY_API_VERSION}`,
        hint: versions ? `${kind} exists as ${versions.join(', ')}` : 'check the spelling of kind and apiVersion; custom resources other than Gateway API are not validated offline',
        path: versions ? ['apiVersion'] : ['kind'],
      });
      return out;
    }
    if (!info.served) {
      const served = (this.versionsOfKind.get(kind) ?? []).filter((v) => this.schema.kindInfo(v, kind)?.served);
      out.push({ rule: 'removed-api', message: `${apiVersion} ${kind} is not served by Gateway API ${GATEWAY_API_VERSION}`, hint: served.length ? `use ${served.join(' or ')}` : 'use a served version', path: ['apiVersion'] });
      return out;
    }
    if (info.deprecated) out.push({ rule: 'deprecated-api', message: info.deprecated, path: ['apiVersion'], hint: 'use the newest served version of this kind' });
    if (change && !change.removed) {
      const { message, hint } = describeApiChange(change, kind);
      out.push({ rule: 'deprecated-api', message, hint, path: ['apiVersion'] });
    }
    if (ALPHA.test(apiVersion)) {
      out.push({ rule: 'alpha-api', message: `${apiVersion} is an alpha API, disabled unless the cluster turns it on`, hint: 'use a GA (v1) or beta version, or say why the example needs the alpha API', path: ['apiVersion'] });
    }
    // metadata.name
    const meta = res.obj.metadata;
    const name = get(meta, 'name');
    if (isObj(meta) || meta === undefined) {
      if (name === undefined || name === null || name === '') {
        if (typeof get(meta, 'generateName') !== 'string') {
          out.push({ rule: 'metadata-name', message: `${kind} has no metadata.name`, hint: 'every object of an example needs a name', path: isObj(meta) ? ['metadata'] : [] });
        }
      } else if (typeof name === 'string') {
        const nameRule = metadataNameRule(apiVersion, kind);
        const why = nameRule.check(name);
        if (why) out.push({ rule: 'metadata-name', message: `${kind} name "${name}" ${why}`, hint: `a ${kind} name must be a ${nameRule.what}`, path: ['metadata', 'name'] });
      }
    }
    out.push(...this.schemaFindings(info, res));
    return out;
  }

  /**
   * Schema findings under the Gateway API channel in use. Under the standard
   * channel, findings that only the standard CRDs give (an experimental kind,
   * version or field) become one `gateway-experimental-channel` warning.
   */
  private schemaFindings(info: KindInfo, res: Resource): Finding[] {
    const experimental = this.options.gatewayChannel === 'experimental';
    const channelWarning = (what: string, path: PathSeg[]): Finding => ({
      rule: 'gateway-experimental-channel',
      message: `${what} in the experimental channel of Gateway API ${GATEWAY_API_VERSION}; a cluster with the standard CRDs rejects it`,
      hint: 'install the experimental-channel CRDs on the cluster (then say so: --gateway-channel experimental), or use only standard-channel kinds and fields',
      path,
    });
    if (info.channel === 'experimental') {
      const findings = this.schema.validate(info, res.obj);
      return experimental ? findings : [channelWarning(`${res.apiVersion} ${res.kind} is only`, ['apiVersion']), ...findings];
    }
    if (!info.experimentalDef) return this.schema.validate(info, res.obj);
    if (experimental) return this.schema.validateDef(info.experimentalDef, res.obj);
    // Standard first: validation sets schema defaults, and an experimental-only default must not become an unknown field.
    const standard = this.schema.validate(info, res.obj);
    if (standard.length === 0) return standard;
    const wider = this.schema.validateDef(info.experimentalDef, res.obj);
    const key = (f: Finding) => `${f.rule}\0${formatPath(f.path)}`;
    const widerKeys = new Set(wider.map(key));
    const onlyStandard = standard.filter((f) => !widerKeys.has(key(f)));
    if (onlyStandard.length === 0) return standard;
    // What the experimental schema says inside the experimental-only fields (a typo there) still counts; its other findings do not concern a standard cluster.
    const standardKeys = new Set(standard.map(key));
    const under = (f: Finding) => onlyStandard.some((o) => o.path.length <= f.path.length && o.path.every((seg, i) => seg === f.path[i]));
    const first = onlyStandard[0]!;
    const more = onlyStandard.length > 1 ? ` (and ${onlyStandard.length - 1} more field${onlyStandard.length > 2 ? 's' : ''})` : '';
    const warning = channelWarning(`${res.kind} ${formatPath(first.path)}${more} is only`, first.path);
    if (first.at) warning.at = first.at;
    return [warning, ...wider.filter((f) => standardKeys.has(key(f)) || under(f))];
  }

  /** Pod Security findings of one object's pod template, at the example's level (restricted, as warnings, outside examples). */
  private podSecurity(res: Resource, spec: ExampleSpec | undefined): Finding[] {
    const level: PodSecurityLevel = spec ? spec.podSecurity : 'restricted';
    if (level === 'privileged') return [];
    const t = podTemplateOf(res);
    if (!t) return [];
    const severity: Severity = spec ? 'error' : 'warning';
    const ruleId = level === 'baseline' ? 'pod-security-baseline' : 'pod-security-restricted';
    const where = spec ? `the example's namespace enforces "${level}"` : `Pod Security "${level}"`;
    const out: Finding[] = [];
    for (const v of podSecurityViolations(t)) {
      if (level === 'baseline' && v.level !== 'baseline') continue;
      out.push({ rule: ruleId, severity, message: `${v.message} (${where})`, hint: v.hint, path: v.path });
    }
    return out;
  }
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.file}\0${p.line}\0${p.column}\0${p.rule}\0${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function sortProblems(problems: Problem[], fileOrder: string[] = []): Problem[] {
  const order = new Map(fileOrder.map((f, i) => [f, i]));
  return problems.sort((a, b) => {
    const fa = order.get(a.file) ?? (a.file.endsWith('example.yaml') ? -1 : Infinity);
    const fb = order.get(b.file) ?? (b.file.endsWith('example.yaml') ? -1 : Infinity);
    if (fa !== fb) return fa - fb;
    if (a.file !== b.file) return a.file < b.file ? -1 : 1;
    return a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
  });
}

