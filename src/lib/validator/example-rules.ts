/**
 * Rules that only apply to examples (examples/README.md conventions):
 * no metadata.namespace but a declared extra namespace, only the pinned agnhost image, and every check's
 * `from` names a pod or workload of the example that runs agnhost.
 */
import type { ExampleSpec } from '../examples/spec.ts';
import { FROM_HOST } from '../examples/spec-file.ts';
import type { Finding } from './findings.ts';
import { get, isObj, type PathSeg } from '../yaml/plain.ts';
import type { Resource } from '../yaml/manifest-source.ts';
import { apiGroup } from '../yaml/kube.ts';
import { containersOf, mapSelectorMatches, podTemplateOf, type PodTemplate } from './pods.ts';
import { AGNHOST_IMAGE, AGNHOST_REPOSITORY as AGNHOST_REPO, PINS, PINS_PATH } from '../pins.ts';

export interface ResourceFinding {
  res: Resource;
  finding: Finding;
}

/** `extraNamespaces`: the names example.yaml declares under `namespaces`, which objects may name in metadata.namespace. */
export function exampleResourceChecks(resources: Resource[], extraNamespaces: ReadonlySet<string> = new Set()): ResourceFinding[] {
  const out: ResourceFinding[] = [];
  for (const res of resources) {
    const ns = get(res.obj, 'metadata', 'namespace');
    if (ns !== undefined && ns !== null && !(typeof ns === 'string' && extraNamespaces.has(ns))) {
      const declared = [...extraNamespaces];
      out.push({
        res,
        finding: {
          rule: 'metadata-namespace',
          message: `metadata.namespace is set (${JSON.stringify(ns)}); examples are applied into a namespace named after the example${declared.length ? ` or one that example.yaml declares (${declared.join(', ')})` : ''}`,
          hint: 'remove metadata.namespace (use $NAMESPACE in check URLs), or declare the namespace under namespaces: in example.yaml',
          path: ['metadata', 'namespace'],
        },
      });
    }
    const t = podTemplateOf(res);
    if (!t) continue;
    for (const c of containersOf(t)) {
      const image = c.container.image;
      if (typeof image === 'string' && image !== AGNHOST_IMAGE) {
        const otherTag = image.startsWith(`${AGNHOST_REPO}:`) || image.startsWith(`${AGNHOST_REPO}@`);
        out.push({
          res,
          finding: {
            rule: 'example-image',
            message: otherTag
              ? `container "${c.name}" uses ${image}, not the pinned agnhost tag ${PINS.AGNHOST_VERSION} (AGNHOST_VERSION in ${PINS_PATH}); examples use only ${AGNHOST_IMAGE}`
              : `container "${c.name}" uses image ${image}; examples use only ${AGNHOST_IMAGE}`,
            hint: otherTag
              ? `write image: ${AGNHOST_IMAGE}; the offline cluster has no other agnhost tag`
              : 'the offline cluster has no other image; agnhost netexec serves HTTP/UDP, pause idles',
            path: [...c.path, 'image'],
          },
        });
      }
    }
  }
  return out;
}

const KIND_ALIASES: Record<string, [string, string]> = {
  pod: ['v1', 'Pod'],
  pods: ['v1', 'Pod'],
  po: ['v1', 'Pod'],
  deploy: ['apps', 'Deployment'],
  deployment: ['apps', 'Deployment'],
  deployments: ['apps', 'Deployment'],
  sts: ['apps', 'StatefulSet'],
  statefulset: ['apps', 'StatefulSet'],
  ds: ['apps', 'DaemonSet'],
  daemonset: ['apps', 'DaemonSet'],
  rs: ['apps', 'ReplicaSet'],
  replicaset: ['apps', 'ReplicaSet'],
  job: ['batch', 'Job'],
  jobs: ['batch', 'Job'],
  svc: ['v1', 'Service'],
  service: ['v1', 'Service'],
};

export interface SpecFinding {
  /** Path inside example.yaml. */
  path: PathSeg[];
  finding: Omit<Finding, 'path'>;
}

/** Each check's `from` must be a pod or workload of the example, whose exec container runs agnhost. */
export function exampleCheckTargets(spec: ExampleSpec, resources: Resource[]): SpecFinding[] {
  const out: SpecFinding[] = [];
  spec.checks.forEach((check, i) => {
    if (!check.from || check.from === FROM_HOST) return; // the host is no pod of the example
    const m = /^([a-z]+)\/(.+)$/.exec(check.from);
    const [group, kind] = m ? KIND_ALIASES[m[1]!] ?? ['?', m[1]!] : ['v1', 'Pod'];
    const name = m ? m[2]! : check.from;
    const path: PathSeg[] = ['checks', i, 'from'];
    const target = resources.find((r) => apiGroup(r.apiVersion) === group && r.kind === kind && r.name === name);
    if (!target) {
      out.push({
        path,
        finding: {
          rule: 'example-check-target',
          message: `check "${check.name}" runs from ${check.from}, but the example defines no ${kind} named "${name}"`,
          hint: m ? 'use kind/name of a workload of the example (deploy/web) or a pod name' : 'a bare name is a Pod name; use deploy/<name> for a Deployment',
        },
      });
      return;
    }
    let template: PodTemplate | undefined = podTemplateOf(target);
    if (!template && kind === 'Service') {
      const sel = get(target.obj, 'spec', 'selector');
      if (isObj(sel) && Object.keys(sel).length) {
        template = resources.map(podTemplateOf).find((t): t is PodTemplate => !!t && mapSelectorMatches(sel, t.labels));
      }
    }
    if (!template) return;
    const containers = containersOf(template, ['containers']);
    const defaultName = get(template.res.obj, ...template.path, 'metadata', 'annotations', 'kubectl.kubernetes.io/default-container');
    const wanted = check.container ?? (typeof defaultName === 'string' ? defaultName : undefined);
    const c = wanted ? containers.find((x) => x.name === wanted) : containers[0];
    if (!c) {
      out.push({
        path: check.container ? ['checks', i, 'container'] : path,
        finding: { rule: 'example-check-target', message: `check "${check.name}": ${template.label} has no container "${wanted}"`, hint: `containers: ${containers.map((x) => x.name).join(', ')}` },
      });
      return;
    }
    if (check.kubectl) return;
    const image = c.container.image;
    if (typeof image === 'string' && !image.startsWith(`${AGNHOST_REPO}:`)) {
      out.push({
        path,
        finding: {
          rule: 'example-check-target',
          message: `check "${check.name}" runs in container "${c.name}" (${image}); http, tcp and dns checks need the agnhost image (curl, nslookup, agnhost connect)`,
          hint: `run the check from a pod with image ${AGNHOST_IMAGE}`,
        },
      });
    }
  });
  return out;
}
